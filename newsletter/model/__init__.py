"""The issue and settings model: what newsletter.yaml and issues/<YYYY-MM>.yaml hold, their YAML reading
(located problems), the brand palette, the inline markup rule and the JSON Schema drawn from the models."""
