"""The Textual tutor. Importing this package imports Textual; headless commands never do."""
