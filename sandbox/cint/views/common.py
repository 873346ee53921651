"""Lookups shared by the API views: 404s in the contract's shape."""

from ...models import Account, Project, TargetGroup
from ..wire import ApiError


def get_account(account_id):
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        raise ApiError.not_found(f"Account {account_id} does not exist or is not yours.")
    return account


def get_project(account_id, project_id):
    project = Project.objects.filter(account_id=account_id, pk=project_id).select_related("account").first()
    if project is None:
        raise ApiError.not_found(f"Project {project_id} does not exist in account {account_id}.")
    return project


def get_target_group(account_id, project_id, target_group_id, *, for_update=False):
    queryset = TargetGroup.objects.filter(project__account_id=account_id, project_id=project_id, pk=target_group_id)
    if for_update:
        queryset = queryset.select_for_update()
    tg = queryset.select_related("project__account", "business_unit").first()
    if tg is None:
        raise ApiError.not_found(f"Target group {target_group_id} does not exist in project {project_id}.")
    return tg


def acting_user_id(account):
    """The user id an API call acts as: the account's API user."""
    user = account.api_user()
    return user.id if user else None


def etag_header(obj):
    return {"ETag": obj.etag}


def require_launched(tg):
    if tg.is_draft:
        raise ApiError.bad_request(
            f"Target group {tg.id} is a draft; this endpoint works on launched target groups only."
        )
