/* A map of points (apps/core/maps.py): the client map (/werk/kaart/) and the social map's
   results. One flag per point, coloured and numbered by theme. Each `.bk-map` element with
   `data-map-source` reads the JSON block of that id; without JavaScript, or without
   Leaflet, the page keeps its list of the same points. */
(function () {
  "use strict";

  // The Netherlands as a whole, for a map without any point.
  var NETHERLANDS = [[50.75, 3.35], [53.55, 7.23]];

  function flagIcon(point) {
    var flag = document.createElement("span");
    flag.className = "bk-flag__body bk-theme-colour--" + point.slot;
    var symbol = document.createElement("span");
    symbol.className = "bk-flag__symbol";
    symbol.setAttribute("aria-hidden", "true");
    symbol.textContent = point.symbol;
    flag.appendChild(symbol);
    return L.divIcon({
      className: "bk-flag",
      html: flag,
      iconSize: [30, 38],
      iconAnchor: [15, 36],
      popupAnchor: [0, -36],
    });
  }

  function popupContent(point, labels) {
    var box = document.createElement("div");
    box.className = "bk-map-popup";
    var link = document.createElement("a");
    link.className = "utrecht-link";
    link.href = point.url;
    link.textContent = point.label;
    link.setAttribute("aria-label", labels.open + ": " + point.label);
    var theme = document.createElement("div");
    theme.className = "bk-muted";
    theme.textContent = point.theme;
    box.appendChild(link);
    box.appendChild(theme);
    return box;
  }

  function init() {
    if (typeof window.L === "undefined") {
      return;
    }
    document.querySelectorAll(".bk-map[data-map-source]").forEach(function (container) {
      var source = document.getElementById(container.dataset.mapSource);
      if (source) {
        draw(container, JSON.parse(source.textContent));
      }
    });
  }

  function draw(container, data) {
    document.querySelectorAll("[data-map-only]").forEach(function (element) {
      element.hidden = false;
    });
    document.querySelectorAll("[data-without-map]").forEach(function (element) {
      element.hidden = true;
    });

    var map = L.map(container, { zoomControl: false, scrollWheelZoom: false });
    L.control
      .zoom({ zoomInTitle: data.labels.zoomIn, zoomOutTitle: data.labels.zoomOut })
      .addTo(map);
    if (data.tiles.url) {
      L.tileLayer(data.tiles.url, {
        attribution: data.tiles.attribution,
        maxZoom: data.tiles.maxZoom,
      }).addTo(map);
    }
    // Wheel zoom only once the map has the focus, so the page scrolls past it normally.
    map.on("focus click", function () { map.scrollWheelZoom.enable(); });
    map.on("blur", function () { map.scrollWheelZoom.disable(); });
    // A popup opened from a flag takes the focus, so the link in it is the next stop for
    // a keyboard user; closing it (Escape or the close button) gives the focus back.
    map.on("popupopen", function (event) {
      var element = event.popup.getElement();
      var close = element.querySelector(".leaflet-popup-close-button");
      if (close) {
        close.setAttribute("aria-label", data.labels.closePopup);
        close.title = data.labels.closePopup;
      }
      var link = element.querySelector("a.utrecht-link");
      if (link) {
        link.focus();
      }
    });

    // Leaflet closes a popup on Escape only while the map itself has the focus.
    container.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        map.closePopup();
      }
    });

    // The map needs a view before flags can be placed on it.
    var points = data.points.map(function (point) { return [point.lat, point.lon]; });
    if (points.length) {
      map.fitBounds(points, { padding: [40, 40], maxZoom: 16 });
    } else {
      map.fitBounds(NETHERLANDS);
    }

    data.points.forEach(function (point) {
      // The number on the flag is part of its name, as in the legend: "Anna B., 2 Money".
      var name = point.label + ", " + point.symbol + " " + point.theme;
      var marker = L.marker([point.lat, point.lon], {
        icon: flagIcon(point),
        title: name,
        keyboard: true,
        riseOnHover: true,
      });
      marker.bindPopup(popupContent(point, data.labels));
      marker.addTo(map);
      var icon = marker.getElement();
      icon.setAttribute("aria-label", name);
      marker.on("popupclose", function (event) {
        var focused = document.activeElement;
        var popup = event.popup.getElement();
        if (!focused || focused === document.body || (popup && popup.contains(focused))) {
          icon.focus({ preventScroll: true });
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
