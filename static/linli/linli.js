// Small behaviours without inline scripts (the CSP forbids them).
document.addEventListener("DOMContentLoaded", function () {
  // The community switcher submits as soon as a community is picked.
  document.querySelectorAll("select[data-autosubmit]").forEach(function (el) {
    el.addEventListener("change", function () { el.form.submit(); });
  });
  // HTMX sends the CSRF token from the meta tag on every request.
  var token = document.querySelector('meta[name="csrf-token"]');
  if (token) {
    document.body.addEventListener("htmx:configRequest", function (evt) {
      evt.detail.headers["X-CSRFToken"] = token.content;
    });
  }
});
