import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import ProfessionalProfile


class ProfessionalFilter(django_filters.FilterSet):
    profession = django_filters.ChoiceFilter(
        label=_("Profession"), choices=ProfessionalProfile.Profession.choices, empty_label=_("Any")
    )
    region = django_filters.CharFilter(label=_("State, province or country"), method="filter_region", max_length=100)

    class Meta:
        model = ProfessionalProfile
        fields = []

    def filter_region(self, queryset, name, value):
        return queryset.filter(Q(licence_region__icontains=value.strip()))
