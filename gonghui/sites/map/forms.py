"""Forms of the map pages: GeoJSON layer upload, coverage radius, map and sign settings."""

from django import forms

from gonghui.core import geo
from gonghui.core.forms import Form
from gonghui.sites import mapsettings
from gonghui.sites.models import MapLayerKind
from gonghui.sites.services import RADIUS_MAX_M, RADIUS_MIN_M


class MapLayerUploadForm(Form):
    kind = forms.ChoiceField(label="图层类型", choices=MapLayerKind.choices)
    geojson = forms.FileField(
        label="GeoJSON 文件",
        help_text="FeatureCollection；县域边界、乡镇(街道)边界和建成区为面(Polygon)，道路为线"
        "(LineString)；不超过 10 MB。地图上显示的名称取要素的 name 属性；道路可带 ref(如 G235)和"
        " class(national 国道、provincial 省道、county 县乡道、urban 城区主干道、street 街巷)，"
        "建成区可带 class(town 镇区、village 村庄)。",
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


TILE_ENV, TILE_OFFLINE, TILE_ONLINE = "env", "offline", "tiles"


class MapSettingsForm(Form):
    """The 地图与标牌设置 page: the staff maps' base map and the public address of the QR
    codes. Every problem is reported in one round (the same checks as the service)."""

    tile_mode = forms.ChoiceField(label="底图来源", widget=forms.RadioSelect)
    tile_url = forms.CharField(
        label="瓦片地址模板",
        required=False,
        max_length=mapsettings.TILE_URL_MAX,
        help_text="须包含 {z}、{x}、{y}(缩放级别和瓦片行列号)，可用 {s} 表示子域名 1–4；"
        "须为 GCJ-02 坐标的瓦片(高德、腾讯)，天地图、OpenStreetMap 等 WGS-84 瓦片会与站点错位数百米。",
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    tile_attribution = forms.CharField(
        label="底图版权说明",
        required=False,
        max_length=200,
        help_text="显示在地图右下角，如“© 高德地图”。",
    )
    public_url = forms.CharField(
        label="公网访问地址",
        required=False,
        max_length=200,
        help_text="职工用手机扫描站点标牌二维码时打开的地址，如 "
        f"{mapsettings.PUBLIC_URL_EXAMPLE}；只填协议和域名，不能是本机或内网地址。"
        "留空则使用服务器部署时的配置。",
        widget=forms.TextInput(
            attrs={"spellcheck": "false", "autocomplete": "off", "inputmode": "url"}
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, env_tile_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        env = "按服务器部署时的配置" + (f"(当前：{env_tile_label})" if env_tile_label else "")
        self.fields["tile_mode"].choices = [
            (TILE_OFFLINE, "离线地图：只显示本县的边界、乡镇、道路和建成区(不访问外网)"),
            (TILE_ONLINE, "在线瓦片底图(如高德地图；需能访问地图服务器)"),
            (TILE_ENV, env),
        ]

    def clean(self):
        data = super().clean()
        mode = data.get("tile_mode")
        tile_url = (data.get("tile_url") or "").strip()
        if mode == TILE_ONLINE:
            if not tile_url:
                self.add_error("tile_url", "选择在线瓦片底图时须填写瓦片地址模板。")
            else:
                problem = mapsettings.tile_url_problem(tile_url)
                if problem:
                    self.add_error("tile_url", problem)
        public_url = mapsettings.public_url_normalise(data.get("public_url"))
        if public_url:
            problem = mapsettings.public_url_problem(public_url)
            if problem:
                self.add_error("public_url", f"{problem}。")
        return data

    def service_values(self) -> dict:
        """The keyword arguments of services.map_settings_set for the cleaned form."""
        data = self.cleaned_data
        mode = data["tile_mode"]
        if mode == TILE_ENV:
            tile_url = tile_attribution = None
        elif mode == TILE_OFFLINE:
            tile_url, tile_attribution = "", ""
        else:
            tile_url, tile_attribution = data["tile_url"].strip(), data["tile_attribution"]
        return {
            "tile_url": tile_url,
            "tile_attribution": tile_attribution,
            "public_url": mapsettings.public_url_normalise(data["public_url"]) or None,
            "version": data.get("version"),
        }
