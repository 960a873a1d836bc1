"""Admin helpers shared by the apps."""


class ReadOnlyMixin:
    """For rows whose every change goes through a service (versions, rules, audit): the admin
    shows them and changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
