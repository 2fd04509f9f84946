from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitygenConfig(AppConfig):
    name = "citygen"
    verbose_name = _("Synthetic city")
