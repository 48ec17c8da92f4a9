from django.urls import path

from gonghui.plans.reform import views as reform
from gonghui.plans.targets import views as targets

app_name = "plans"
urlpatterns = [
    path("", targets.plan_list, name="plan_list"),
    path("new/", targets.plan_create, name="plan_create"),
    path("<int:pk>/", targets.plan_detail, name="plan_detail"),
    path("<int:pk>/export/", targets.plan_export, name="plan_export"),
    path("<int:pk>/targets/new/", targets.target_create, name="target_create"),
    path("targets/<int:pk>/", targets.target_detail, name="target_detail"),
    path("targets/<int:pk>/split/", targets.target_split, name="target_split"),
    path("targets/<int:pk>/report/", targets.target_report, name="target_report"),
    path("targets/evidence/<int:pk>/", targets.evidence_download, name="evidence_download"),
    path("reform/", reform.reform_list, name="reform_list"),
    path("reform/new/", reform.reform_create, name="reform_create"),
    path("reform/<int:pk>/", reform.reform_detail, name="reform_detail"),
    path("reform/<int:pk>/report/", reform.reform_report, name="reform_report"),
    path("reform/meetings/", reform.meeting_list, name="meeting_list"),
    path("reform/meetings/new/", reform.meeting_create, name="meeting_create"),
    path("reform/pilots/", reform.pilot_list, name="pilot_list"),
    path("reform/pilots/new/", reform.pilot_create, name="pilot_create"),
    path("reform/pilots/<int:pk>/", reform.pilot_detail, name="pilot_detail"),
    path("reform/agents/", reform.agent_list, name="agent_list"),
    path("reform/agents/new/", reform.agent_create, name="agent_create"),
    path("reform/agents/<int:pk>/", reform.agent_detail, name="agent_detail"),
    path("reform/agents/<int:pk>/enterprises/", reform.agent_assign, name="agent_assign"),
    path("reform/agents/<int:pk>/visits/", reform.visit_create, name="visit_create"),
    path("reform/feedback/<int:pk>/problem/", reform.feedback_problem, name="feedback_problem"),
]
