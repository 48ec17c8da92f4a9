// The portal's site finder: asks the phone for its position (with the user's permission)
// and submits it as a plain GET form; the server renders the list. No framework, ES5 only
// (WeChat's older webviews). Refused or unavailable → points to the township/address forms.
(function () {
  "use strict";
  var form = document.getElementById("locate-form");
  var button = document.getElementById("locate-button");
  var status = document.getElementById("locate-status");
  if (!form || !button || !status) { return; }

  function say(text, isError) {
    status.textContent = text;
    status.className = "portal-locate-status" + (isError ? " is-error" : "");
  }

  function offerFallback(text) {
    say(text, true);
    button.disabled = false;
    var select = document.getElementById("id_township");
    var fallback = document.getElementById("fallback");
    if (fallback && fallback.scrollIntoView) { fallback.scrollIntoView(); }
    if (select) { select.focus(); }
  }

  button.hidden = false;
  if (!("geolocation" in navigator)) {
    button.disabled = true;
    say("当前浏览器无法定位。请在下方选择乡镇(街道)或输入地址。", true);
    return;
  }

  button.addEventListener("click", function () {
    button.disabled = true;
    say("正在获取您的位置…", false);
    navigator.geolocation.getCurrentPosition(
      function (position) {
        // Phone GPS is WGS-84; the server converts (crs=wgs84 in the form).
        form.elements.lat.value = position.coords.latitude.toFixed(6);
        form.elements.lng.value = position.coords.longitude.toFixed(6);
        say("已获取位置，正在查找附近站点…", false);
        form.submit();
      },
      function (error) {
        if (error && error.code === 1) {
          offerFallback("您没有允许使用位置。可以在下方选择乡镇(街道)或输入地址查找站点。");
        } else {
          offerFallback("暂时无法获取您的位置。请稍后再试，或在下方选择乡镇(街道)、输入地址查找。");
        }
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
    );
  });
})();
