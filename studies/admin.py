from django.contrib import admin

from .models import Attachment, Band, Cell, Dimension, GuardAct, Mapping, PlanChange, PlanPart, Study


class DimensionInline(admin.TabularInline):
    model = Dimension
    extra = 0


class CellInline(admin.TabularInline):
    model = Cell
    extra = 0
    filter_horizontal = ("bands",)


class AttachmentInline(admin.TabularInline):
    model = Attachment
    extra = 0
    raw_id_fields = ("target_group", "added_by")


@admin.register(Study)
class StudyAdmin(admin.ModelAdmin):
    list_display = ("name", "client", "goal", "field_start", "field_end", "budget", "currency", "guard_on")
    search_fields = ("name", "client")
    date_hierarchy = "field_start"
    raw_id_fields = ("created_by",)
    inlines = [DimensionInline, CellInline, AttachmentInline]


@admin.register(Dimension)
class DimensionAdmin(admin.ModelAdmin):
    list_display = ("name", "study", "attribute", "question", "position")
    list_filter = ("attribute",)
    raw_id_fields = ("study",)


@admin.register(Band)
class BandAdmin(admin.ModelAdmin):
    list_display = ("label", "dimension", "value", "position")
    raw_id_fields = ("dimension",)


@admin.register(Cell)
class CellAdmin(admin.ModelAdmin):
    list_display = ("label", "study", "goal", "position")
    search_fields = ("label", "study__name")
    raw_id_fields = ("study",)
    filter_horizontal = ("bands",)


@admin.register(Attachment)
class AttachmentAdmin(admin.ModelAdmin):
    list_display = ("target_group", "study", "added_by", "added_at")
    list_select_related = ("target_group", "study")
    raw_id_fields = ("study", "target_group", "added_by")


@admin.register(Mapping)
class MappingAdmin(admin.ModelAdmin):
    list_display = ("study", "target_group", "quota", "interlock_cell", "cell", "confidence", "confirmed_at")
    list_filter = ("confidence",)
    list_select_related = ("study", "target_group", "quota", "interlock_cell", "cell")
    raw_id_fields = ("study", "target_group", "quota", "interlock_cell", "cell", "confirmed_by")


class PlanPartInline(admin.TabularInline):
    model = PlanPart
    extra = 0
    raw_id_fields = ("target_group", "change")


@admin.register(PlanChange)
class PlanChangeAdmin(admin.ModelAdmin):
    list_display = ("summary", "study", "origin", "requested_by", "created_at")
    list_filter = ("origin",)
    raw_id_fields = ("study", "requested_by", "follows")
    inlines = [PlanPartInline]


@admin.register(PlanPart)
class PlanPartAdmin(admin.ModelAdmin):
    list_display = ("plan_change", "target_group", "step", "change", "held_reason")
    raw_id_fields = ("plan_change", "target_group", "change")


@admin.register(GuardAct)
class GuardActAdmin(admin.ModelAdmin):
    list_display = ("text", "study", "cell", "achieved", "goal", "at")
    raw_id_fields = ("study", "cell", "changes")
    date_hierarchy = "at"
