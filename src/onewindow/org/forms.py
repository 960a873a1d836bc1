from django import forms

from onewindow.org.models import Leave, StaffChange


class LeaveForm(forms.ModelForm):
    class Meta:
        model = Leave
        fields = ["start", "end", "reason"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}),
            "end": forms.DateInput(attrs={"type": "date"}),
        }

    def _post_clean(self):
        pass


class StaffChangeForm(forms.ModelForm):
    class Meta:
        model = StaffChange
        fields = ["staff", "kind", "effective_on", "reason", "successor", "handover"]
        widgets = {
            "effective_on": forms.DateInput(attrs={"type": "date"}),
            "handover": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, staff_qs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff_qs
        self.fields["successor"].queryset = staff_qs

    def _post_clean(self):
        pass
