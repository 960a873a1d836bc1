"""Service items (事项 and their 实施清单), materials, hall status, versions and combined
services (一件事)."""
