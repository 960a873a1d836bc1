from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete, post_save


def _region_changed(sender, **kwargs) -> None:
    # The headings name the county from the regions (selectors.county_name, cached): a region
    # written by the onboarding import, a service or the admin refreshes it once committed.
    from onewindow.org.selectors import county_name_refresh

    transaction.on_commit(county_name_refresh)


class OrgConfig(AppConfig):
    name = "onewindow.org"
    verbose_name = "组织机构"

    def ready(self) -> None:
        from onewindow.org import permissions  # noqa: F401 - registers the app's permissions
        from onewindow.org.models import Region

        post_save.connect(_region_changed, sender=Region, dispatch_uid="org_region_saved")
        post_delete.connect(_region_changed, sender=Region, dispatch_uid="org_region_deleted")
