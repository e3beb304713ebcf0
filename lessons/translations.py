"""The skills content in other languages, read from lessons/content/<language>/ (as shipped, like the
English): lessons as Markdown files, the glossary (skills.json) and the module names (modules.json).

The database keeps the English, which moderators edit in the admin. Each translatable field of
SkillModule, Skill and Lesson reads through `TranslatedAttribute`: in a language that has a file for
the row (matched by slug) it gives that file's text, otherwise the English. Saving, forms and the
admin always see the English (`raw`), so a page viewed in Spanish can never write Spanish into the row.
A third language is a folder lessons/content/<code>/ beside es/."""

import json
from functools import cache

from django.conf import settings
from django.db import models
from django.db.models.query_utils import DeferredAttribute
from django.utils import translation

from .content_files import CONTENT_DIR, parse_content_file

# model_name -> {field: key in the language's files}
FIELDS = {
    "skillmodule": {"name": "name", "summary": "description"},
    "skill": {"name": "name", "expansion": "expansion", "summary": "summary", "steps": "steps"},
    "lesson": {"title": "title", "summary": "summary", "body": "body"},
}


@cache
def _content(language):
    """{model_name: {slug: {key: value}}} for one language; empty where it has no folder."""
    folder = CONTENT_DIR / language
    content = {"skillmodule": {}, "skill": {}, "lesson": {}}
    if language == settings.LANGUAGE_CODE or not folder.is_dir():
        return content
    modules = folder / "modules.json"
    if modules.is_file():
        content["skillmodule"] = json.loads(modules.read_text(encoding="utf-8"))
    skills = folder / "skills.json"
    if skills.is_file():
        content["skill"] = {item["slug"]: item for item in json.loads(skills.read_text(encoding="utf-8"))}
    for path in sorted((folder / "lessons").glob("*.md")):
        page = parse_content_file(path)
        content["lesson"][page.slug] = {**page.meta, "body": page.body}
    return content


def language_base():
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


def translation_of(model_name, slug, language=None):
    """The row's text in the language (active by default), or None when it has none."""
    return _content(language or language_base())[model_name].get(slug)


def is_translated(model_name, slug, language=None):
    language = language or language_base()
    return language == settings.LANGUAGE_CODE or translation_of(model_name, slug, language) is not None


def translated_name(model_name, slug, english, field="name"):
    """For values read without a model instance (values_list): the active language's text or the English."""
    text = translation_of(model_name, slug)
    return (text or {}).get(FIELDS[model_name][field]) or english


class TranslatedAttribute(DeferredAttribute):
    """A field read in the active language when a translation file has it, else the stored English."""

    def __get__(self, instance, cls=None):
        value = super().__get__(instance, cls)
        if instance is None:
            return value
        model_name = instance._meta.model_name
        text = translation_of(model_name, instance.__dict__.get("slug"))
        if text is None:
            return value
        translated = text.get(FIELDS[model_name][self.field.attname])
        return value if translated in (None, "", []) and value else translated

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value

    def raw(self, instance):
        return super().__get__(instance, type(instance))


class TranslatedMixin:
    """A field whose reads follow the page's language (TranslatedAttribute) and whose writes, forms
    and migrations are those of the plain field it extends: the same column, no migration."""

    descriptor_class = TranslatedAttribute

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, f"django.db.models.{self.__class__.__mro__[2].__name__}", args, kwargs

    def pre_save(self, model_instance, add):
        return self.value_from_object(model_instance)

    def value_from_object(self, obj):
        return type(obj).__dict__[self.attname].raw(obj)


class TranslatedCharField(TranslatedMixin, models.CharField):
    pass


class TranslatedTextField(TranslatedMixin, models.TextField):
    pass


class TranslatedJSONField(TranslatedMixin, models.JSONField):
    pass
