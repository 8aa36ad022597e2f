// Validation as you type. The server checks every value again; these
// checks only tell the user early, in the same words.

// nameProblem returns why name breaks the rules of a bucket or access point
// name, or "" when it follows them.
export function nameProblem(name, min, max, what) {
  if (name.length < min || name.length > max) return `${what} has ${min} to ${max} characters (now ${name.length}).`;
  if (!/^[a-z0-9-]+$/.test(name)) return `${what} may contain only lower-case letters, digits and hyphens (-).`;
  if (name.startsWith("-") || name.endsWith("-")) return `${what} must start and end with a lower-case letter or a digit.`;
  return "";
}

const rules = {
  bucket: (v) => nameProblem(v, 3, 63, "A bucket name") ||
    (/-(ossalias|opapalias)$/.test(v) ? "A bucket name must not end with -ossalias or -opapalias." : ""),
  accesspoint: (v) => nameProblem(v, 3, 19, "An access point name") ||
    (v.endsWith("-ossalias") ? "An access point name must not end with -ossalias." : ""),
  fcaccesspoint: (v) => nameProblem(v, 3, 63, "An Object FC Access Point name") ||
    (v.endsWith("-opapalias") ? "An Object FC Access Point name must not end with -opapalias." : ""),
  function: (v) => (v.length < 1 || v.length > 64) ? "A function name has 1 to 64 characters." :
    !/^[A-Za-z_]/.test(v) ? "A function name starts with a letter or an underscore." :
    !/^[A-Za-z0-9_-]+$/.test(v) ? "A function name may contain only letters, digits, underscores (_) and hyphens (-)." : "",
  ramname: (v) => (v.length < 1 || v.length > 64 || !/^[A-Za-z0-9._@-]+$/.test(v))
    ? "A name has 1 to 64 characters: letters, digits, periods (.), underscores (_), hyphens (-) and @." : "",
  json: (v) => {
    try { JSON.parse(v); return ""; } catch (e) { return `Not valid JSON: ${e.message}`; }
  },
};

function bindOne(input) {
  const check = rules[input.dataset.validate];
  const message = document.querySelector(`.validation[data-for="${input.id}"]`);
  const submit = input.form ? input.form.querySelector('button[type="submit"]') : null;
  const update = () => {
    const value = input.value;
    const problem = value === "" && input.dataset.validate !== "json" ? "" : check(value);
    input.classList.toggle("bad", problem !== "");
    input.setCustomValidity(problem);
    if (message) {
      message.textContent = problem || (value ? "Looks good." : "");
      message.classList.toggle("bad", problem !== "");
      message.classList.toggle("good", problem === "" && value !== "");
    }
    if (submit && input.dataset.validate === "json") submit.disabled = problem !== "";
  };
  input.addEventListener("input", update);
  if (input.value) update();
}

export function bindValidation() {
  for (const input of document.querySelectorAll("[data-validate]")) bindOne(input);
}
