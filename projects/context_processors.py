from .models import Role


def roles(request):
    """`can_change`: whether the signed-in user sees the controls that change supplier data."""
    user = getattr(request, "user", None)
    return {"can_change": bool(user) and Role.can_change(user)}
