from ninja import Field, Schema


class SearchHitOut(Schema):
    kind: str = Field(title="类型", description="service 服务事项 / activity 活动 / plan 工作计划 / case 诉求")
    kind_label: str = Field(title="类型名称")
    id: int = Field(title="对象编号")
    title_html: str = Field(title="标题", description="HTML:已转义,命中的词在 <mark> 中")
    snippet_html: str = Field(title="摘要", description="HTML:已转义,命中的词在 <mark> 中")
    meta: str = Field(title="说明行")
    url: str = Field(title="页面地址")
    rank: float = Field(title="相关度", description="同一次搜索内可比较,越大越相关")


class KindCountOut(Schema):
    kind: str
    label: str
    count: int = Field(title="结果数", description="参与排序的结果数,最多 200")
    capped: bool = Field(title="超出上限", description="匹配更多,只在最新的 200 条中排序")


class SearchOut(Schema):
    query: str = Field(title="实际搜索的关键词")
    tokens: list[str] = Field(title="分词结果")
    kind: str | None = Field(None, title="搜索范围")
    mode: str = Field(title="匹配方式", description="all 全部关键词 / any 部分关键词 / none 无结果")
    total: int = Field(title="结果数")
    capped: bool
    page: int
    page_size: int
    pages: int
    counts: list[KindCountOut]
    results: list[SearchHitOut]
    notices: list[str] = Field(title="提示")
