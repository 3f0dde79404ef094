// Renders Handlebars templates as SES and SendGrid do, with handlebars.js (npm `handlebars`).
// stdin: {"templates": {"name": "template source"}, "data": [{…}, …]}
// stdout: [{"name": "rendered", …} per data item]
"use strict";
const Handlebars = require("handlebars");

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => { input += chunk; });
process.stdin.on("end", () => {
  const { templates, data } = JSON.parse(input);
  const compiled = Object.entries(templates).map(([name, source]) => [name, Handlebars.compile(source, { strict: false })]);
  const rendered = data.map((item) => Object.fromEntries(compiled.map(([name, template]) => [name, template(item)])));
  process.stdout.write(JSON.stringify(rendered));
});
