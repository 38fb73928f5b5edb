"""Every label of the web pages, in Chinese and English (Chinese is the default)."""

from __future__ import annotations

LANGUAGES = ("zh", "en")

LABELS: dict[str, tuple[str, str]] = {
    # frame
    "site": ("政府职能与数据职责知识图谱", "Government functions and data duties"),
    "skip": ("跳到正文", "Skip to content"),
    "nav": ("主导航", "Main navigation"),
    "overview": ("概览", "Overview"),
    "overlaps": ("职责交叉", "Overlaps"),
    "findings": ("问题清单", "Findings"),
    "graph": ("关系图", "Graph"),
    "draft": ("草稿检查", "Draft check"),
    "search": ("搜索", "Search"),
    "search_label": ("搜索机构、职能、数据资源", "Search agencies, functions, datasets"),
    "search_hint": ("名称或编码的任意一段，如“大数据”", "any part of a name or id, e.g. 大数据"),
    "search_button": ("搜索", "Search"),
    "switch_to": ("English", "中文"),
    "switch_label": ("Switch to English", "切换到中文"),
    "api": ("接口文档（API）", "API documentation"),
    "footer": (
        "数据只读展示（判断须用写入令牌）；规则见工作簿约定 R1–R17。",
        "Pages read the store (decisions need the write token); the rules are R1–R17 of the"
        " workbook contract.",
    ),
    # overview
    "government": ("政府", "Government"),
    "all_governments": ("全部政府", "All governments"),
    "show": ("查看", "Show"),
    "counts": ("规模", "Size"),
    "agencies": ("机构", "Agencies"),
    "units": ("内设机构", "Internal units"),
    "staffing": ("编制数", "Staffing"),
    "duties": ("职责", "Duties"),
    "data_duties": ("数据职责", "Data duties"),
    "datasets": ("数据资源", "Datasets"),
    "power_items": ("权力事项", "Power items"),
    "findings_by_rule": ("按规则统计的问题", "Findings by rule"),
    "rule": ("规则", "Rule"),
    "rule_name": ("名称", "Name"),
    "severity": ("严重程度", "Severity"),
    "count": ("数量", "Count"),
    "violation": ("违规", "Violation"),
    "warning": ("警告", "Warning"),
    "info": ("提示", "Info"),
    "total": ("合计", "Total"),
    "start_here": ("从这里开始", "Start here"),
    "overlaps_intro": (
        "两个机构牵头同一职能却没有分工条款：共 {n} 处。",
        "Two agencies lead one function with no division clause: {n} cases.",
    ),
    "see_overlaps": ("查看职责交叉", "See the overlaps"),
    # lists and details
    "id": ("编码", "Id"),
    "name": ("名称", "Name"),
    "kind": ("类别", "Kind"),
    "rank": ("机构规格", "Rank"),
    "where_it_sits": ("隶属关系", "Where it sits"),
    "parent": ("主管机构", "Administered by"),
    "hosted_in": ("设在", "Hosted in"),
    "nameplates": ("加挂牌子", "Also named"),
    "uscc": ("统一社会信用代码", "USCC"),
    "cdo": ("首席数据官", "Chief data officer"),
    "mandate": ("三定规定", "Mandate (三定)"),
    "holder": ("承担机构", "Holder"),
    "role": ("角色", "Role"),
    "agency": ("机构", "Agency"),
    "function": ("职能", "Function"),
    "text": ("内容", "Text"),
    "basis": ("依据", "Basis"),
    "in_mandate": ("三定已载明", "In the mandate"),
    "yes": ("是", "yes"),
    "no": ("否", "no"),
    "dataset": ("数据资源", "Dataset"),
    "sourced_datasets": ("作为数源部门的数据资源", "Datasets it is the source of"),
    "share_type": ("共享类型", "Share type"),
    "open_type": ("开放类型", "Open type"),
    "base_code": ("基本编码", "Base code"),
    "type": ("类型", "Type"),
    "list_source": ("清单来源", "List source"),
    "none": ("无", "none"),
    "its_findings": ("涉及的问题", "Its findings"),
    "no_findings": ("没有发现问题。", "No findings."),
    "message": ("说明", "Message"),
    "related": ("相关", "Related"),
    "focus": ("对象", "Focus"),
    "in_graph": ("在关系图中查看", "Show in the graph"),
    "tree": ("职能目录中的位置", "Place in the catalogue"),
    "broader": ("上级职能", "Broader function"),
    "narrower": ("下级职能", "Narrower functions"),
    "mandatory": ("必设职能", "Mandatory function"),
    "categories": ("职能类别", "Categories"),
    "leads": ("牵头", "Who leads"),
    "supports": ("配合", "Who supports"),
    "divisions": ("职责分工条款", "Division clauses"),
    "division_agencies": ("涉及机构", "Agencies named"),
    "sources": ("数源部门", "Source agencies"),
    "update": ("更新频率", "Update frequency"),
    "system": ("来源系统", "Source system"),
    "colon": ("：", ": "),
    "stop": ("。", ". "),
    "semicolon": ("；", "; "),
    "not_found": ("未找到", "Not found"),
    "filter": ("筛选", "Filter"),
    "any": ("全部", "any"),
    "shown": ("显示 {shown} / 共 {total} 项", "showing {shown} of {total}"),
    "pages": ("分页", "pages"),
    "previous": ("上一页", "previous"),
    "next": ("下一页", "next"),
    # overlaps
    "overlaps_title": ("职责交叉（R2）", "Overlapping duties (R2)"),
    "overlaps_lead": (
        "同一政府的两个机构牵头同一职能，却没有写明两者分工的职责分工条款。",
        "Two agencies of one government lead the same function, and no division clause names both.",
    ),
    "lead_duties_of": ("{name} 的牵头职责", "Lead duties of {name}"),
    "no_duty_text": ("（职责无文字）", "(the duty has no text)"),
    "to_settle": ("分工条款须写明", "A division clause would have to settle"),
    "settle_1": (
        "在职能「{function}」上，{a} 与 {b} 谁牵头、谁配合；",
        "on the function “{function}”, which of {a} and {b} leads and which supports;",
    ),
    "settle_2": (
        "双方各自负责的环节与边界（对照上面并列的职责原文）；",
        "where each one's part begins and ends (compare the duty texts side by side above);",
    ),
    "settle_3": (
        "写入职责分工表：职能编码 {fid}，涉及机构 {ids}，并注明依据。",
        "a row of the divisions table: function {fid}, agencies {ids}, with its basis.",
    ),
    "existing_divisions": ("该职能已有的分工条款", "Division clauses already on this function"),
    "no_overlaps": ("没有未分工的职责交叉。", "No unresolved overlaps."),
    # R16 on the overlaps page (api/hidden_overlaps.py)
    "hidden_title": ("疑似职责交叉（R16）", "Possible hidden overlaps (R16)"),
    "hidden_lead": (
        "两个机构的职责文字所述职责相同或相近，却没有编到同一职能或没有分工。共有的表述已标出；"
        "请人工判断：确认则下载应写入工作簿的分工行，排除则在两条职责文字不变时不再报告。",
        "Two agencies' duty texts state the same or a similar responsibility, without a"
        " shared function or a division. The shared phrases are marked; a person decides:"
        " confirm to download the row to write into the workbook, dismiss to stop reporting"
        " the pair while both texts stay as they are.",
    ),
    "hidden_score": ("相似度", "score"),
    "hidden_evidence": ("共有表述", "Shared phrases"),
    "hidden_who": ("判断人", "Who decides"),
    "hidden_note": ("说明", "Note"),
    "hidden_token": ("写入令牌", "Write token"),
    "hidden_confirm": ("确认交叉", "Confirm overlap"),
    "hidden_dismiss": ("排除（不是交叉）", "Dismiss (not an overlap)"),
    "hidden_decided": ("已记入对 {pair} 的判断。", "The decision on {pair} is recorded."),
    "hidden_download": (
        "下载应写入工作簿的分工行（xlsx）",
        "Download the division row for the workbook (xlsx)",
    ),
    "hidden_none": ("没有疑似职责交叉。", "No possible hidden overlaps."),
    # R17 beside them, to dismiss the same way (api/hidden_overlaps.py)
    "gaps_title": ("划转职责无人承接（R17）", "Transferred duties nobody takes up (R17)"),
    "gaps_lead": (
        "三定写明划出或交给对方机构的职责，对方的职责中却没有（或写明划入的职责，对方仍承担）。"
        "请人工判断：排除则在划转内容和对方机构的职责文字不变时不再报告。",
        "A transfer moves a responsibility out to a counterpart none of whose duties states"
        " it (or moves one in that the counterpart still holds). A person decides: dismiss to"
        " stop reporting it while the transfer's text and the counterpart's duty texts stay"
        " as they are.",
    ),
    "gaps_dismiss": ("排除（已有人承接）", "Dismiss (taken up)"),
    "gaps_none": ("没有划转职责无人承接。", "No transferred duty left without a holder."),
    "r10_title": ("数据管理多头（R10）", "Data management in several lines (R10)"),
    "r10_lead": (
        "承担数据管理职能的机构分属多个系统。每棵树是一个系统：自上而下沿主管机构（无则设在）"
        "连接；红色粗边框的是承担数据管理职责的机构。",
        "The agencies holding data-management duties belong to several lines. Each tree is "
        "a line, linked top-down by administered-by (else hosted-in); a bold red border marks "
        "an agency holding data-management duties.",
    ),
    "r10_picture": ("政府 {gov} 的数据管理系统图", "Data-management lines of government {gov}"),
    "lines": ("{n} 个系统", "{n} lines"),
    # graph
    "graph_title": ("关系图", "Graph"),
    "graph_lead": (
        "点击任一节点，以它为中心重画：从机构到它承担的职能和数据资源，再到牵头同一职能的其他机构。",
        "Click any node to centre the picture on it: from an agency to its functions and "
        "datasets, on to the other agencies that lead them.",
    ),
    "graph_picture": ("以 {name} 为中心的关系图", "Graph centred on {name}"),
    "graph_choose": ("选择中心机构", "Choose the centre agency"),
    "legend": ("图例", "Legend"),
    "edge_lead": ("牵头", "leads"),
    "edge_support": ("配合", "supports"),
    "edge_data": ("数据职责", "data duty"),
    "edge_source": ("数源", "source"),
    "node_agency": ("机构", "agency"),
    "node_function": ("职能", "function"),
    "node_dataset": ("数据资源", "dataset"),
    "more_nodes": ("另有 {n} 个节点未画出", "{n} more nodes not drawn"),
    "neighbours": ("相连的节点", "Connected nodes"),
    "open_page": ("打开详情页", "Open its page"),
    # draft
    "draft_title": ("三定草稿检查", "Check a draft mandate (三定)"),
    "draft_lead": (
        "上传征求意见稿工作簿或三定规定文本，查看它带来了哪些新问题、解决了哪些问题。不会写入存储。",
        "Upload a draft workbook or a 三定 text to see which findings it brings and which it "
        "resolves. Nothing is stored.",
    ),
    "workbook_section": ("检查工作簿", "Check a workbook"),
    "draft_file": (
        "征求意见稿工作簿（.xlsx 或 CSV 的 .zip）",
        "Draft workbook (.xlsx or .zip of CSV)",
    ),
    "baseline_file": (
        "基准工作簿（可不选：默认以存储中的数据为基准）",
        "Baseline workbook (optional: by default the store's data is the baseline)",
    ),
    "baseline_is": (
        "默认基准：存储中的数据（{files}）",
        "Default baseline: the store's data ({files})",
    ),
    "baseline_missing": (
        "存储中还没有数据，请同时上传基准工作簿。",
        "The store holds no data yet: upload the baseline too.",
    ),
    "check": ("检查", "Check"),
    "draft_result": ("检查结果", "Result"),
    "new": ("新增", "new"),
    "resolved": ("已解决", "resolved"),
    "unchanged": ("未变", "unchanged"),
    "status": ("状态", "Status"),
    "new_heading": ("草稿带来的新问题", "New with the draft"),
    "resolved_heading": ("草稿解决的问题", "Resolved by the draft"),
    "unchanged_heading": ("仍然存在的问题", "Still there"),
    "first_shown": (
        "此处只列出前 {n} 条，下载的报告中有全部问题。",
        "Only the first {n} are listed here; the downloaded report has them all.",
    ),
    "verdict_ok": ("合并后通过（没有违规）", "The merged workbook conforms (no violation)"),
    "verdict_bad": ("合并后不通过", "The merged workbook does not conform"),
    "download_xlsx": ("下载报告（xlsx）", "Download the report (xlsx)"),
    # draft from a 三定 text
    "mandate_section": ("导入三定规定", "Import a 三定 regulation"),
    "mandate_lead": (
        "上传已发布或征求意见的三定规定，导入生成草稿工作簿，并与存储对照检查。",
        "Upload a published or draft 三定 regulation: it is imported as a draft workbook and "
        "checked against the store.",
    ),
    "mandate_file": (
        "三定规定文本（.docx、.txt、.html 或 .pdf）",
        "三定 regulation text (.docx, .txt, .html or .pdf)",
    ),
    "government_code": (
        "所属政府代码（6 位数字，可不填）",
        "Government code (6 digits, optional)",
    ),
    "government_field": ("所属政府代码", "Government code"),
    "government_hint": (
        "仅当机构不在存储中（新设机构）时需要，如 329900。",
        "Needed only for an agency the store does not know (a new agency), e.g. 329900.",
    ),
    "import_button": ("导入为草稿", "Import as a draft"),
    # transfers (职责划转), on the import's reading and the agency and function pages
    "transfers_stated": ("职责划转（{n} 项）", "Transfers of duties ({n})"),
    "transfers_out": ("本机构三定写明的职责划转（{n} 项）", "Transfers its mandate states ({n})"),
    "transfers_in": (
        "他机构三定写明、本机构为对方的职责划转（{n} 项）",
        "Transfers other mandates state with it as counterpart ({n})",
    ),
    "transfer_kind": ("划转类型", "Kind"),
    "counterpart": ("对方", "Counterpart"),
    "stated_by": ("写明机构", "Stated by"),
    "transfer_agencies": (
        "牵头机构的职责划转（{n} 项）",
        "Transfers of the lead agencies ({n})",
    ),
    "mandate_read": ("从「{name}」读到的内容", "What the importer read in “{name}”"),
    "baseline_match": ("与存储匹配", "Match in the store"),
    "new_agency": ("新机构（存储中没有）", "new (the store does not know it)"),
    "leadership": ("领导职数", "Leadership posts"),
    "number_in_text": ("原文条目", "Number in the text"),
    "main_duties": ("主要职责（{n} 项）", "Main duties ({n})"),
    "other_items": ("不作为职责的条目（{n} 项）", "Items that are not duties ({n})"),
    "units_staffing": ("内设机构（{n} 个）及其职责", "Internal units ({n}) and their duties"),
    "division_clauses": ("职责分工条款（{n} 条）", "Division clauses ({n})"),
    "matched_agencies": ("匹配到的机构", "Agencies matched"),
    "unmatched_names": (
        "未匹配的机构名称（不作猜测，请人工核对）",
        "Names no agency answers to (not guessed: check them by hand)",
    ),
    "all_matched": (
        "分工条款中的机构名称都已匹配。",
        "Every name in the division clauses matched.",
    ),
    "proposals": ("职能建议（{n} 项待人工确认）", "Function proposals ({n} to be confirmed)"),
    "score": ("得分", "Score"),
    "alternatives": ("备选（前三）", "Alternatives (top three)"),
    "proposed": ("建议", "proposed"),
    "to_confirm": ("待人工确认", "to be confirmed (待人工确认)"),
    "download_draft": ("下载草稿工作簿（xlsx）", "Download the draft workbook (xlsx)"),
    "download_draft_hint": (
        "草稿可修改后作为征求意见稿工作簿再次上传检查。",
        "Correct the draft and upload it again as a draft workbook.",
    ),
    "error": ("出错了", "Something is wrong"),
    "file": ("文件", "File"),
    "table": ("表", "Table"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    # search
    "search_title": ("搜索“{q}”", "Search “{q}”"),
    "search_empty": ("请输入要找的名称或编码。", "Type a name or an id to look for."),
    "no_results": ("没有找到。", "Nothing found."),
    "results": ("{n} 个结果", "{n} results"),
}


def label(key: str, lang: str) -> str:
    """The label ``key`` in ``lang`` (zh or en)."""
    zh, en = LABELS[key]
    return en if lang == "en" else zh
