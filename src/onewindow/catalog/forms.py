"""Catalogue forms. They parse and present; the services validate and write."""

from django import forms
from django.forms import inlineformset_factory

from onewindow.catalog.elements import CellError, Column
from onewindow.catalog.models import (
    HANDLING_FORMS,
    ONLINE_DEPTHS,
    SERVICE_OBJECTS,
    CombinedService,
    HallApproval,
    Item,
    LifeEvent,
    Material,
)
from onewindow.catalog.services import HALL_FIELDS
from onewindow.common.forms import DateInput
from onewindow.org.models import Unit

_procedures = Column("special_procedures", "特别程序", "procedures")


def _life_events_field() -> forms.ModelMultipleChoiceField:
    return forms.ModelMultipleChoiceField(
        LifeEvent.objects.all(),
        label="所属主题",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class ItemForm(forms.ModelForm):
    unit = forms.ModelChoiceField(Unit.objects.all(), label="实施主体")
    handling_forms = forms.MultipleChoiceField(
        label="办理形式",
        choices=list(HANDLING_FORMS.items()),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一种办理形式。"},
    )
    online_depth = forms.TypedChoiceField(
        label="网办深度", choices=list(ONLINE_DEPTHS.items()), coerce=int, initial=1
    )
    service_objects = forms.MultipleChoiceField(
        label="服务对象",
        choices=[(o, o) for o in SERVICE_OBJECTS],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "请至少选择一类服务对象。"},
    )
    special_procedures = forms.CharField(
        label="特别程序",
        required=False,
        help_text="写成“程序:工作日数”，多个用分号分隔，如：现场勘查:5；专家评审:15",
    )
    life_events = _life_events_field()

    class Meta:
        model = Item
        fields = [
            "name",
            "unit",
            "item_type",
            "basic_code",
            "local_basic_code",
            "local_implementation_code",
            "library_version",
            "level",
            "relation",
            "parent",
            "legal_limit",
            "promised_limit",
            "case_kind",
            "handling_forms",
            "online_depth",
            "visits",
            "fee_free",
            "fee_standard",
            "fee_basis",
            "legal_basis",
            "conditions",
            "process",
            "service_objects",
            "place",
            "hours",
            "consult_phone",
            "complaint_phone",
            "special_procedures",
            "faq",
            "keywords",
            "life_events",
        ]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 2}),
            "conditions": forms.Textarea(attrs={"rows": 3}),
            "process": forms.Textarea(attrs={"rows": 2}),
            "fee_basis": forms.Textarea(attrs={"rows": 2}),
            "faq": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        if self.instance.pk:
            self.fields["unit"].disabled = True
        # The fields shown in another spelling than the model's, for a new item as for an
        # edited one (a new item's `[]` would otherwise come back as a procedure named "[]").
        self.initial["handling_forms"] = self.instance.handling_forms.split(",")
        self.initial["service_objects"] = self.instance.service_objects.split("、")
        self.initial["special_procedures"] = _procedures.to_cell(self.instance.special_procedures)
        unit_ids = units.values("pk")
        self.fields["parent"].queryset = Item.objects.filter(
            unit_id__in=unit_ids, relation__in=[Item.Relation.MAIN, Item.Relation.SUB]
        ).exclude(pk=self.instance.pk or 0)

    def clean_handling_forms(self):
        return ",".join(sorted(self.cleaned_data["handling_forms"]))

    def clean_service_objects(self):
        return "、".join(self.cleaned_data["service_objects"])

    def clean_special_procedures(self):
        try:
            return _procedures.parse(self.cleaned_data["special_procedures"])
        except CellError as exc:
            raise forms.ValidationError(str(exc)) from None

    def _post_clean(self):
        # Model validation runs in the service, with the materials, in one transaction.
        pass

    def item_data(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k not in {"unit", "life_events"}}


class MaterialForm(forms.ModelForm):
    class Meta:
        model = Material
        fields = [
            "order",
            "name",
            "issuer",
            "originals",
            "copies",
            "required",
            "form",
            "source",
            "sharing_unit",
            "standard",
            "is_main",
            "rongque",
            "blank_form",
            "sample",
        ]
        widgets = {"standard": forms.TextInput()}

    def _post_clean(self):
        pass  # checked by the service, with the item


MaterialFormSet = inlineformset_factory(
    Item, Material, form=MaterialForm, extra=2, can_delete=True, max_num=60
)


class HallForm(forms.ModelForm):
    class Meta:
        model = Item
        fields = HALL_FIELDS
        widgets = {"exempt_date": DateInput()}

    def _post_clean(self):
        pass


class ApprovalForm(forms.ModelForm):
    """The approval record a hall departure or a withdrawal needs (S13)."""

    class Meta:
        model = HallApproval
        fields = ["doc_no", "approved_on", "approver", "reason"]
        widgets = {
            "approved_on": DateInput(),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        for f in self.fields.values():
            f.required = required

    def _post_clean(self):
        pass

    def approval(self) -> dict | None:
        data = self.cleaned_data
        if not any(data.get(k) for k in self.Meta.fields):
            return None
        return {k: data.get(k) for k in self.Meta.fields}


class CombinedForm(forms.ModelForm):
    member_items = forms.ModelMultipleChoiceField(
        Item.objects.filter(status=Item.Status.PUBLISHED).select_related("unit"),
        label="包含事项",
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="按住Ctrl可多选；至少两个部门的事项。",
    )
    life_events = _life_events_field()

    class Meta:
        model = CombinedService
        fields = [
            "name",
            "lead_unit",
            "promised_limit",
            "description",
            "conditions",
            "place",
            "consult_phone",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_items"].label_from_instance = lambda i: f"{i.unit}·{i.name}"
        if self.instance.pk:
            self.initial["member_items"] = [m.item_id for m in self.instance.members.all()]
            self.initial["life_events"] = list(self.instance.life_events.all())

    def _post_clean(self):
        pass
