from django import forms
from django.urls import reverse

from onewindow.common.forms import DateInput
from onewindow.mandates.models import CLAUSES, Enquiry, ItemPower, Letter, Seal
from onewindow.org.forms import StaffPicker
from onewindow.org.models import Staff

NUMERALS = "一二三四五六"


class LetterForm(forms.ModelForm):
    clauses = forms.TypedMultipleChoiceField(
        label="授权条款（附件4）",
        choices=[(n, f"第{NUMERALS[n - 1]}条：{text[:24]}…") for n, text in enumerate(CLAUSES, 1)],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=list(range(1, 7)),
        error_messages={"required": "请至少选择一条授权条款。"},
    )

    class Meta:
        model = Letter
        fields = [
            "legal_representative",
            "supervisor",
            "team_leader",
            "clauses",
            "other_tasks",
            "valid_from",
            "valid_until",
        ]
        widgets = {
            "valid_from": DateInput(),
            "valid_until": DateInput(),
            "other_tasks": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        # Every active staff member is accepted, so that a wrong choice gets a clear message;
        # the picker offers the unit's own people and searches them as you type (issue 17 item 9).
        staff = Staff.objects.filter(active=True).select_related("unit").order_by("unit_id", "id")
        pick_url = reverse("org:staff_pick") + f"?unit={unit.pk}"
        for name in ("supervisor", "team_leader"):
            self.fields[name].queryset = staff
            self.fields[name].widget = StaffPicker(pick_url=pick_url, find_button=False)
            self.fields[name].widget.is_required = self.fields[name].required
            self.fields[name].widget.scope_unit_ids = {unit.pk}
        self.unit = unit

    def _post_clean(self):
        pass


class SealForm(forms.ModelForm):
    class Meta:
        model = Seal
        fields = ["enabled", "enabled_on", "custodian", "impression", "reason_not_enabled", "plan"]
        widgets = {
            "enabled_on": DateInput(),
            "reason_not_enabled": forms.Textarea(attrs={"rows": 2}),
            "plan": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["custodian"].queryset = Staff.objects.filter(unit=unit, active=True)

    def _post_clean(self):
        pass


class EnquiryForm(forms.ModelForm):
    class Meta:
        model = Enquiry
        fields = ["question", "item", "outcome", "guided_to", "asker"]

    def _post_clean(self):
        pass


POWER_CHOICES = [("", "不授权"), *ItemPower.Power.choices]
