"""The domain's words and formats, in one home for the pipeline, the API and the portal.

Decision values and their labels, French number formatting, category translations and the
labels and units of features and client fields. Pure Python without any dependency: the
portal's Heroku app (which has no ML stack) imports it as the pipeline does.
"""
