"""Data repairs run by migrations. Each takes the model classes it works on, so a migration
passes its historical models and a test the real ones."""


def relink_case_materials(case_material_model, material_model) -> int:
    """Checklist rows that lost their catalogue material (catalogue saves before issue 15
    deleted and recreated materials) get it back: the material of the case's item with the
    same name, a current one before a retired one. Rows that match nothing stay unlinked.
    Returns the number of rows re-linked."""
    lost = case_material_model.objects.filter(material__isnull=True)
    item_ids = set(lost.values_list("case__item_id", flat=True).distinct())
    if not item_ids:
        return 0
    has_retired = any(f.name == "retired_at" for f in material_model._meta.concrete_fields)
    columns = ["item_id", "name", "id"] + (["retired_at"] if has_retired else [])
    # The plain manager: the real model's default one hides retired materials.
    best: dict[tuple[int, str], tuple[bool, int]] = {}
    for item_id, name, material_id, *retired in material_model._base_manager.filter(
        item_id__in=item_ids
    ).values_list(*columns):
        rank = (bool(retired and retired[0]), material_id)
        key = (item_id, name)
        if key not in best or rank < best[key]:
            best[key] = rank
    fixed = []
    for row_id, name, item_id in lost.values_list("id", "name", "case__item_id").iterator(2000):
        if (item_id, name) in best:
            fixed.append(case_material_model(id=row_id, material_id=best[(item_id, name)][1]))
    case_material_model.objects.bulk_update(fixed, ["material"], batch_size=1000)
    return len(fixed)
