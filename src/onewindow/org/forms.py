from django import forms

from onewindow.common.forms import DateInput
from onewindow.org import hours, selectors
from onewindow.org.models import Leave, StaffChange, WindowPost


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


# --- hall set-up (issue 17 items 5 and 9) -------------------------------------------------


class StaffPicker(forms.Select):
    """A staff field that searches as you type: a search box whose input asks the picker
    endpoint (org:staff_pick, htmx) for the matching people of the units the user may assign,
    and a select holding the current person and the matches. Without JavaScript the 查找 button
    submits the form, which comes back with the matches (see `StaffPickerForm`)."""

    template_name = "org/widgets/staff_picker.html"

    def __init__(self, *, pick_url: str = "", include: str = "", find_button=True, attrs=None):
        super().__init__(attrs)
        self.pick_url = pick_url
        self.include = include
        # The 查找 button needs a view that redisplays the form on `_find` (StaffPickerForm);
        # elsewhere the select's first people of the unit are the fallback without JavaScript.
        self.find_button = find_button
        self.query = ""
        self.found = None  # (people, total) when the form was asked to find
        # Units whose first people the select lists before any search (the fallback without
        # JavaScript: a unit of a handful of people needs no search at all).
        self.scope_unit_ids: set[int] = set()

    def get_context(self, name, value, attrs):
        # Not Select's: that would list every choice of the queryset, which is what we avoid.
        context = forms.Widget.get_context(self, name, value, attrs)
        value = value[0] if isinstance(value, list | tuple) and value else value
        current = selectors.staff_for_picker(pk=value)
        if self.found is not None:
            people, total = self.found
        elif self.scope_unit_ids:
            people, total = selectors.staff_pick(unit_ids=self.scope_unit_ids, query="")
        else:
            people, total = [], None
        context["picker"] = {
            "name": name,
            "url": self.pick_url,
            "include": self.include,
            "query": self.query,
            "current": current,
            "people": [p for p in people if current is None or p.pk != current.pk],
            "total": total,
            "limit": selectors.PICK_LIMIT,
            "required": self.is_required,
            "find_button": self.find_button,
        }
        return context


class StaffPickerForm(forms.Form):
    """A form with StaffPicker fields: `find` (the request's data after 查找) fills them with
    the matches of the name typed into each field's search box."""

    def setup_pickers(self, *, user, find=None, unit_ids=None):
        units = selectors.pickable_unit_ids(user=user, requested=unit_ids)
        for name, field in self.fields.items():
            if not isinstance(field.widget, StaffPicker):
                continue
            field.widget.scope_unit_ids = units
            if find is not None:
                field.widget.query = find.get(f"{name}_q", "")[:50]
                if field.widget.query:
                    field.widget.found = selectors.staff_pick(
                        unit_ids=units, query=field.widget.query
                    )


class WindowPostForm(StaffPickerForm):
    hall = forms.ModelChoiceField(label="所在大厅", queryset=None, empty_label=None)
    number = forms.CharField(
        label="窗口号", max_length=10, help_text="如“12”或“A3”，同一大厅不能重复"
    )
    name = forms.CharField(label="窗口名称", max_length=100)
    kind = forms.ChoiceField(label="窗口类型", choices=WindowPost.Kind.choices)
    units = forms.ModelMultipleChoiceField(
        label="服务单位",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        help_text="窗口受理所选单位的事项（具体可办事项以事项目录和授权委托书为准）",
    )
    staff_a = forms.ModelChoiceField(label="A岗人员", queryset=None, widget=StaffPicker())
    staff_b = forms.ModelChoiceField(
        label="B岗人员", queryset=None, required=False, widget=StaffPicker()
    )

    def __init__(self, *args, halls, units, staff, pick_url, with_hall=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hall"].queryset = halls
        self.fields["units"].queryset = units
        for name in ("staff_a", "staff_b"):
            self.fields[name].queryset = staff
            widget = self.fields[name].widget
            widget.pick_url = pick_url
            widget.include = f"[name='units'],[name='kind'],[name='hall'],#id_{name}"
        if not with_hall:
            del self.fields["hall"]


class ActiveForm(forms.Form):
    reason = forms.CharField(label="原因", max_length=200)


class HoursForm(forms.Form):
    days = forms.ChoiceField(label="办公日", choices=[(d, d) for d in hours.DAYS])
    am_start = forms.TimeField(label="上午上班", widget=forms.TimeInput(attrs={"type": "time"}))
    am_end = forms.TimeField(
        label="上午下班",
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text="不午休的大厅：填全天的下班时间，下午两项留空",
    )
    pm_start = forms.TimeField(
        label="下午上班", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    pm_end = forms.TimeField(
        label="下午下班", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    summer_from = forms.TypedChoiceField(
        label="夏季作息起始月",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(m, f"{m}月") for m in range(1, 13)],
    )
    summer_to = forms.TypedChoiceField(
        label="夏季作息截止月",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—")] + [(m, f"{m}月") for m in range(1, 13)],
    )
    summer_pm_start = forms.TimeField(
        label="夏季下午上班", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )
    summer_pm_end = forms.TimeField(
        label="夏季下午下班", required=False, widget=forms.TimeInput(attrs={"type": "time"})
    )

    @classmethod
    def initial_from(cls, text: str) -> dict:
        parts = hours.parse(text)
        return vars(parts) if parts is not None else {"days": hours.DAYS[0]}

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        parts = hours.Hours(**{k: data.get(k) for k in hours.Hours.__dataclass_fields__})
        for field, message in hours.problems(parts).items():
            self.add_error(field, message)
        if not self.errors:
            data["text"] = hours.compose(parts)
        return data
