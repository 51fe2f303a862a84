"""What the two Django projects (the scoring API and the advisor portal) share: the settings
base of every environment, and the demo accounts' checks (demo_secrets) and admin
(demo_accounts). Nothing else: the two projects talk only over the API's HTTP contract, and each
keeps its own apps, URLs and project-specific settings."""
