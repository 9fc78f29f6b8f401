from django.apps import AppConfig


class OfficeConfig(AppConfig):
    """The PAR office's cycle pages (*mở kỳ đánh giá*): the wizard that opens a cycle, adding
    and removing units before self-assessment, cancelling. Above the workflow apps, since opening
    a cycle creates assessments and appraiser assignments; the cycle itself lives in
    ``parindex.cycles``, low in the layers, where every app can read it."""

    name = "parindex.office"
    verbose_name = "PAR office"
