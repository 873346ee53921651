// Tell the cockpit the browser's time zone (the `tz` cookie), so that times are shown in it until the
// PM chooses one in their preferences. The page is reloaded once if it was drawn in another zone.
(function () {
  var zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  var cookie = "tz=" + encodeURIComponent(zone);
  if (document.cookie.split("; ").indexOf(cookie) !== -1) return;
  document.cookie = cookie + "; path=/; max-age=31536000; SameSite=Lax";
  var body = document.body;
  var stored = document.cookie.split("; ").indexOf(cookie) !== -1; // never loop where cookies are off
  // Reload only when the page was drawn at another offset from UTC than the browser's ("UTC" and
  // "Etc/UTC" draw the same times).
  var offset = String(-new Date().getTimezoneOffset());
  if (stored && body && body.dataset.zoneChosen !== "true" && body.dataset.utcOffset !== offset) {
    window.location.reload();
  }
})();
