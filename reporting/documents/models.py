"""The papers attached to plan updates, and the council's own Word template (models of the reporting app)."""
from django.conf import settings
from django.db import models
from django.db.models import Q


class Attachment(models.Model):
    """A paper attached to a recommendation's update ("mrg september 17 minutes.docx"): a file
    uploaded with the update, or an address. With neither, the report says it is not available."""

    action_update = models.ForeignKey("reporting.ActionUpdate", on_delete=models.CASCADE, related_name="attachments")
    name = models.CharField(
        max_length=300, help_text="As the narrative names it, for example “mrg september 17 minutes.docx”. A line of the "
        "narrative that is exactly this name becomes the link.",
    )
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=300, blank=True)
    url = models.URLField("address", max_length=500, blank=True, help_text="A web address, if the paper is published elsewhere.")
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["action_update", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(file="") | Q(url=""), name="attachment_is_a_file_or_an_address"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_available(self):
        return bool(self.file or self.url)


class DocumentTemplate(models.Model):
    """The council's own Word template: its letterhead, styles, header and footer. Every document
    the product writes (briefing note, committee report, and their PDFs) is built on the one in
    use; with none, on the plain default that ships with the product (reporting/documents/word.py)."""

    name = models.CharField(max_length=200, help_text="For example, “Council letterhead 2024”.")
    file = models.FileField(
        "Word template (.docx)", upload_to="document-templates/", max_length=300,
        help_text="A Word document (.docx) holding the letterhead, header, footer and styles. Anything in its body is "
        "placed at the top of every document; a header or footer it has is used instead of the product's own.",
    )
    in_use = models.BooleanField(default=True, help_text="Documents are built on the template in use; only one is.")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-uploaded_at"]
        constraints = [
            models.UniqueConstraint(fields=["in_use"], condition=Q(in_use=True), name="one_document_template_in_use"),
        ]

    def __str__(self):
        return self.name
