"""Forms of the map-layer management page (GeoJSON upload, coverage radius)."""

from django import forms

from gonghui.core.forms import Form
from gonghui.sites import geo
from gonghui.sites.models import MapLayerKind
from gonghui.sites.services import RADIUS_MAX_M, RADIUS_MIN_M


class MapLayerUploadForm(Form):
    kind = forms.ChoiceField(label="图层类型", choices=MapLayerKind.choices)
    geojson = forms.FileField(
        label="GeoJSON 文件",
        help_text="FeatureCollection；边界和建成区为面(Polygon)，道路为线(LineString)；不超过 10 MB。",
    )
    crs = forms.ChoiceField(
        label="坐标系",
        choices=[(code, label) for code, label in geo.CRS_LABELS.items()],
        initial=geo.Crs.GCJ02,
        help_text="文件中坐标所用的坐标系，保存时统一转换为 GCJ-02。",
    )
    name = forms.CharField(label="名称", max_length=100, required=False)


class CoverageRadiusForm(Form):
    radius_m = forms.IntegerField(
        label="覆盖半径(米)",
        min_value=RADIUS_MIN_M,
        max_value=RADIUS_MAX_M,
        help_text="“15 分钟服务圈”：建成区内每一点到最近的正常开放站点不超过该距离。",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
