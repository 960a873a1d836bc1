from django import forms

from onewindow.common.forms import DateInput
from onewindow.org.models import Leave, StaffChange


class LeaveForm(forms.ModelForm):
    class Meta:
        model = Leave
        fields = ["start", "end", "reason"]
        widgets = {
            "start": DateInput(),
            "end": DateInput(),
        }

    def _post_clean(self):
        pass


class StaffChangeForm(forms.ModelForm):
    class Meta:
        model = StaffChange
        fields = ["staff", "kind", "effective_on", "reason", "successor", "handover"]
        widgets = {
            "effective_on": DateInput(),
            "handover": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, staff_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_qs
        self.fields["successor"].queryset = staff_qs

    def _post_clean(self):
        pass
