"""Delivery: an issue built for a mailing provider (export), proofs to reviewers' inboxes, and the web version
links both carry. Each provider's own module is in newsletter/providers/."""
