from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dbtselfhelp.markdown import render_markdown

from .models import Lesson, Skill, SkillModule, Testimonial


@admin.register(SkillModule)
class SkillModuleAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ["name", "module", "expansion", "order"]
    list_filter = ["module"]
    search_fields = ["name", "expansion", "summary"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Lesson)
class LessonAdmin(admin.ModelAdmin):
    list_display = ["title", "module", "status", "published_at", "updated_at"]
    list_filter = ["status", "module"]
    search_fields = ["title", "summary", "body"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["skills"]
    readonly_fields = ["updated_at", "preview"]

    @admin.display(description=_("Preview (as published, sanitised)"))
    def preview(self, obj):
        return render_markdown(obj.body) if obj and obj.body else ""


@admin.register(Testimonial)
class TestimonialAdmin(admin.ModelAdmin):
    list_display = ["shown_name", "status", "created_at", "reviewed_at"]
    list_filter = ["status"]
    search_fields = ["text", "display_name"]
    readonly_fields = ["user", "created_at", "reviewed_at", "reviewed_by"]

    @admin.display(description=_("name shown"), ordering="display_name")
    def shown_name(self, obj):
        return obj.shown_name
