"""The search index: one ``SearchDocument`` per searchable row (a service, a plan, an activity,
a case), rebuilt from its source row by ``services.document_refresh``.

Besides these columns the database holds the full-text structures, made by the migrations:
on PostgreSQL two generated ``tsvector`` columns (``content_tsv`` over the title and body tokens,
the title weighted A; ``acl_tsv`` over the permission keys) with one partial GIN index per kind
over both; on SQLite an FTS5 table ``search_fts`` (external content = this table, kept in step by triggers).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class DocumentKind(models.TextChoices):
    SERVICE = "service", _("服务事项")
    PLAN = "plan", _("工作计划")
    ACTIVITY = "activity", _("活动")
    CASE = "case", _("诉求")


class SearchDocument(models.Model):
    kind = models.CharField("类型", max_length=12, choices=DocumentKind.choices)
    object_id = models.BigIntegerField("对象编号")
    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文", blank=True)
    meta = models.CharField("说明行", max_length=200, blank=True)
    url = models.CharField("链接", max_length=200, blank=True)
    title_tokens = models.TextField("标题分词", blank=True)
    body_tokens = models.TextField("正文分词", blank=True)
    acl = models.TextField("权限键", blank=True, help_text="以空格分隔的权限键,见 search/permissions.py")
    district_id = models.BigIntegerField("所属区", null=True, blank=True)
    organization_id = models.BigIntegerField("组织", null=True, blank=True)
    owner_id = models.BigIntegerField("所有人", null=True, blank=True)
    sort_at = models.DateTimeField("日期")
    source_updated_at = models.DateTimeField("源记录更新时间", null=True, blank=True)
    updated_at = models.DateTimeField("索引时间", auto_now=True)

    class Meta:
        db_table = "search_document"
        verbose_name = "搜索文档"
        verbose_name_plural = "搜索文档"
        constraints = [models.UniqueConstraint(fields=["kind", "object_id"], name="search_document_kind_object")]
        indexes = [
            models.Index(fields=["kind", "source_updated_at"], name="search_doc_kind_source"),
            # The newest documents of a kind first (the search's newest-first probe and plans).
            models.Index(fields=["kind", "-sort_at"], name="search_doc_kind_sort"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.object_id} {self.title}"
