// Renders Handlebars templates as SES and SendGrid do, with handlebars.js (npm `handlebars`).
// stdin: {"templates": {"name": "template source"}, "data": [{…}, …], "noEscape": bool}
// noEscape: values printed as they are, as SES prints them ("SES doesn't escape HTML content when rendering
// the HTML template": https://docs.aws.amazon.com/ses/latest/dg/send-personalized-email-advanced.html).
// stdout: [{"name": "rendered", …} per data item]
"use strict";
const Handlebars = require("handlebars");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { templates, data, noEscape } = JSON.parse(input);
  const options = { strict: false, noEscape: Boolean(noEscape) };
  const compiled = Object.entries(templates).map(([name, source]) => [name, Handlebars.compile(source, options)]);
  const rendered = data.map((item) => Object.fromEntries(compiled.map(([name, template]) => [name, template(item)])));
  process.stdout.write(JSON.stringify(rendered));
});
