// Starts Swagger UI on the page's #swagger-ui element, whose data- attributes say which OpenAPI
// document to show first (data-url) and where the OAuth2 redirect page is; the page's
// #hms-definition menu, when there is one, switches to another service's document. A file of
// its own, not an inline script: the docs pages' Content-Security-Policy allows scripts from
// 'self' only.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  var node = document.getElementById("swagger-ui");
  var ui = SwaggerUIBundle({
    url: node.dataset.url,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "BaseLayout",
    // the online validator's badge would load from another origin
    validatorUrl: null,
    oauth2RedirectUrl: new URL(node.dataset.oauth2Redirect, window.location.href).href
  });
  window.ui = ui;
  var menu = document.getElementById("hms-definition");
  if (menu) {
    menu.addEventListener("change", function () {
      ui.specActions.updateUrl(menu.value);
      ui.specActions.download(menu.value);
    });
  }
});
