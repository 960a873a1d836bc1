"""Case and API-client factories. A case reaches its state through the case services, acted
by the people of its desk (see `factories.DeskFactory`), so its events, chain and outbox rows
are those of a real case."""

import factory

from onewindow.cases import services
from onewindow.cases.models import ApiClient, Case, Channel
from onewindow.cases.workflow import State
from onewindow.testing.factories import DeskFactory, applicant

# The moves after submission that bring a case to each state, in order.
PATHS = {
    State.RECEIVED: (),
    State.CORRECTING: ("correct",),
    State.ACCEPTED: ("accept",),
    State.TRANSFERRED: ("accept", "transfer"),
    State.SUSPENDED: ("accept", "transfer", "suspend"),
    State.DECIDED: ("accept", "transfer", "decide"),
    State.CLOSED: ("accept", "transfer", "decide", "deliver"),
    State.REFUSED: ("refuse",),
    State.WITHDRAWN: ("withdraw",),
    State.TERMINATED: ("accept", "transfer", "terminate"),
}


def _step(step: str, case: Case, desk, day) -> Case:
    on = {"acting_user": desk.clerk, "case": case, "day": day}
    if step == "correct":
        missing = case.materials.filter(status="missing")
        return services.case_notify_correction(**on, problems={m.pk: "未提供" for m in missing})
    if step == "accept":
        return services.case_accept(**on, window_post=desk.post)
    if step == "transfer":
        if case.item.is_instant:  # an instant item is decided at the window instead
            return case
        return services.case_transfer(**dict(on, acting_user=desk.teamlead))
    if step == "suspend":
        return services.case_suspend(
            **dict(on, acting_user=desk.reviewer),
            procedure="site_inspection",
            expected_days=3,
            reason="现场核查",
        )
    if step == "decide":
        if case.item.is_instant:
            return services.case_decide_at_window(**on, result="approved", text="准予许可")
        return services.case_decide(
            **dict(on, acting_user=desk.reviewer), result="approved", text="准予许可"
        )
    if step == "deliver":
        return services.case_deliver(
            **on,
            mode=Case.DeliveryMode.COLLECT,
            detail={
                "recipient": case.applicant_name,
                "recipient_id": case.applicant_id,
                "receipt_signed": "1",
            },
        )
    if step == "refuse":
        return services.case_refuse(**on, reason="不属于本机关职权范围")
    if step == "withdraw":
        return services.case_end(**on, action="withdraw", reason="申请人申请撤回")
    if step == "terminate":
        return services.case_end(
            **dict(on, acting_user=desk.reviewer), action="terminate", reason="申请人已注销"
        )
    raise ValueError(step)


class CaseFactory(factory.Factory):
    """A case of `item` (by default the desk's promised item) brought to `state`. Submitted at
    the desk's window by its clerk (or online, with `channel`), every material given on paper
    unless `complete=False` (a correcting case is always short of materials)."""

    class Meta:
        model = Case

    desk = factory.SubFactory(DeskFactory)
    item = factory.LazyAttribute(lambda o: o.desk.item)
    state = State.RECEIVED
    channel = Channel.WINDOW
    applicant = factory.Sequence(applicant)
    complete = True
    day = None

    @classmethod
    def _create(cls, model_class, desk, item, state, channel, applicant, complete, day):
        complete = complete and state != State.CORRECTING
        case = services.application_submit(
            acting_user=desk.clerk if channel == Channel.WINDOW else None,
            item=item,
            channel=channel,
            applicant=applicant,
            materials=[{"material_id": m.pk, "status": "paper"} for m in item.materials.all()]
            if complete
            else [],
            day=day,
        )
        case = model_class.objects.get(pk=case.pk)
        for step in PATHS[State(state)]:
            _step(step, case, desk, day)
            case = model_class.objects.get(pk=case.pk)
        return case


class ApiClientFactory(factory.django.DjangoModelFactory):
    """An API client with a fresh key, which only the returned object's `key` carries."""

    class Meta:
        model = ApiClient

    name = factory.Sequence(lambda n: f"测试接口{n}")
    unit = None
    acting_user = None
    sms_gateway = False

    @classmethod
    def _create(cls, model_class, **kwargs):
        from onewindow.cases.api import issue_key

        client = model_class(**kwargs)
        client.key = issue_key(client)
        return client
