// The Object FC Access Point form: the bucket follows the chosen supporting
// access point, and the version choice follows the chosen function.

function fill(select, values) {
  select.replaceChildren(...values.map((v) => {
    const option = document.createElement("option");
    option.value = v;
    option.textContent = v;
    return option;
  }));
}

export function bindFCAccessPointForm() {
  const accessPoint = document.getElementById("fcap-accesspoint");
  const bucket = document.getElementById("fcap-bucket");
  if (accessPoint && bucket) {
    const update = () => {
      const chosen = accessPoint.selectedOptions[0];
      bucket.value = chosen ? chosen.dataset.bucket : "";
    };
    accessPoint.addEventListener("change", update);
    update();
  }

  const fn = document.getElementById("fcap-function");
  const qualifier = document.getElementById("fcap-qualifier");
  if (fn && qualifier) {
    const update = () => {
      const chosen = fn.selectedOptions[0];
      fill(qualifier, chosen ? chosen.dataset.qualifiers.split(",") : ["LATEST"]);
    };
    fn.addEventListener("change", update);
    update();
  }
}

// bindImageErrors explains a preview image that failed to load. It requests
// the same URL again for the error as JSON and shows it in the element named
// by data-error-target.
export function bindImageErrors(describe) {
  for (const img of document.querySelectorAll("img[data-error-target]")) {
    const report = async () => {
      const target = document.getElementById(img.dataset.errorTarget);
      if (!target) return;
      let text = "The image could not be loaded.";
      try {
        const response = await fetch(img.src, { headers: { Accept: "application/json" } });
        const body = await response.json();
        if (body.error) text = describe(body.error);
      } catch { /* keep the generic text */ }
      const box = document.createElement("p");
      box.className = "notice error";
      box.setAttribute("role", "alert");
      box.textContent = text;
      target.replaceChildren(box);
      img.hidden = true;
    };
    img.addEventListener("error", report);
    if (img.complete && img.naturalWidth === 0 && img.src) report();
  }
}

// bindImageSizes writes the pixel size of each image named by a
// data-size-of attribute once it has loaded.
export function bindImageSizes() {
  for (const label of document.querySelectorAll("[data-size-of]")) {
    const img = document.getElementById(label.dataset.sizeOf);
    if (!img) continue;
    const show = () => {
      if (img.naturalWidth > 0) label.textContent = `(${img.naturalWidth} × ${img.naturalHeight} pixels)`;
    };
    img.addEventListener("load", show);
    show();
  }
}
