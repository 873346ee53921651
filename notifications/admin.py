from django.contrib import admin

from .models import Delivery, Digest, Notification, NotificationSetting


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "text", "read_at"]
    list_filter = ["kind"]
    search_fields = ["text", "user__username"]
    raw_id_fields = ["user", "target_group"]
    date_hierarchy = "created_at"


@admin.register(NotificationSetting)
class NotificationSettingAdmin(admin.ModelAdmin):
    list_display = ["user", "scope", "timing", "email", "webhook_url"]
    list_filter = ["scope", "timing", "email"]
    raw_id_fields = ["user"]


@admin.register(Digest)
class DigestAdmin(admin.ModelAdmin):
    list_display = ["day", "user", "count", "created_at"]
    raw_id_fields = ["user"]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "channel", "address", "state", "attempts", "response_status"]
    list_filter = ["channel", "state"]
    search_fields = ["address", "error"]
    raw_id_fields = ["user", "notification", "digest"]
    readonly_fields = ["created_at", "finished_at"]
