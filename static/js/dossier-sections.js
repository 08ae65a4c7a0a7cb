// After a section of the dossier is swapped in, move focus to its heading, so a screen
// reader announces the new section and the keyboard carries on from there.
document.addEventListener("htmx:afterSettle", (event) => {
  if (event.target && event.target.id === "dossier-sections") {
    const heading = event.target.querySelector("section h2");
    if (heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }
});
