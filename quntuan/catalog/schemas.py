from ninja import Field, Schema


class OrganizationOut(Schema):
    id: int
    code: str = Field(title="代码")
    name: str = Field(title="名称")
    kind: str = Field(title="类型")
    district_id: int = Field(title="所属区")
    phone: str = Field(title="联系电话")
    address: str = Field(title="地址")
    service_count: int = Field(0, title="服务事项数")


class CategoryOut(Schema):
    id: int
    code: str = Field(title="代码")
    org_code: str = Field(title="组织代码")
    name: str = Field(title="名称")
    covers: str = Field(title="涵盖事项")


class ServiceOut(Schema):
    id: int
    name: str = Field(title="事项名称")
    organization_id: int
    organization_code: str
    organization_name: str
    category_code: str
    category_name: str
    time_limit_class: str = Field(title="时限类别", description="immediate 即办 / consult 咨询 / help 求助 / complaint 投诉维权")
    time_limit_label: str
    description: str
    materials: list[str] = Field(title="所需材料")
    url: str


class ServiceListOut(Schema):
    count: int
    query: str = ""
    tokens: list[str] = Field(default_factory=list, title="分词结果")
    mode: str = Field("browse", description="browse 浏览;and 全部关键词匹配;or 部分关键词匹配")
    message: str = ""
    items: list[ServiceOut]
