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


class Paper(models.Model):
    """A paper as its readers get it, made once and kept (reporting.documents.papers): its Word
    document, made when it is issued or first asked for, and its PDF, made by the worker
    (`manage.py make_papers`) off the request path and then served to every reader as kept.

    A paper is known by its fingerprint: a digest of the Word document's content (its parts but the
    date it was made), so a paper whose content changes is a new paper, and readers who would be
    given the same document share one PDF. An issued briefing's readers' paper is also known by its
    edition (what it is made from: reporting.briefings.papers), and may be queued by a reader before
    its Word document is made, for the worker to make both. Both files are kept in the default
    storage under MEDIA_ROOT, which every app server shares. Until its PDF is made, a paper is in
    the queue."""

    class Kind(models.TextChoices):
        BRIEFING = "briefing", "Briefing note"
        REPORT = "report", "Committee report"

    fingerprint = models.CharField(max_length=64, blank=True, editable=False)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    title = models.CharField(max_length=300)
    # What it is made from, where that can be named without building it (an issued briefing's
    # readers' paper: reporting.briefings.papers.edition), and the object it is made from.
    edition = models.CharField(max_length=200, blank=True)
    source_id = models.PositiveBigIntegerField(null=True, blank=True)
    docx = models.FileField("Word document", upload_to="papers/%Y/%m/", max_length=300, blank=True)
    pdf = models.FileField("PDF", upload_to="papers/%Y/%m/", max_length=300, blank=True)
    made_at = models.DateTimeField(auto_now_add=True)
    pdf_made_at = models.DateTimeField(null=True, blank=True)
    # The queue: a paper without a PDF is converted by the first worker to claim it (claimed_at,
    # claimed_by: a claim older than the conversion's time limit is taken over); a conversion that
    # fails is tried again after a pause, up to PDF_ATTEMPTS times, its reason kept for the page.
    claimed_at = models.DateTimeField(null=True, blank=True)
    claimed_by = models.CharField(max_length=64, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    retry_after = models.DateTimeField(null=True, blank=True)
    failure = models.TextField(blank=True)

    class Meta:
        ordering = ["-made_at"]
        constraints = [
            models.UniqueConstraint(fields=["fingerprint"], condition=~Q(fingerprint=""), name="one_paper_per_content"),
            models.UniqueConstraint(fields=["edition"], condition=~Q(edition=""), name="one_paper_per_edition"),
        ]

    def __str__(self):
        return f"{self.title} ({self.get_kind_display()})"
