"""The ``govkg`` command. Commands stay thin: parse options, call the library, print.

Errors are translated here, and only here: every GovkgError is printed with its
location (file, table, row, column) in Chinese and English, and the exit status is 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NoReturn

from govkg import __version__
from govkg.errors import GovkgError
from govkg.lifetime import exit_without_freeing, start_keeping
from govkg.loaders.archives import use_limits
from govkg.settings import Settings

Command = Callable[[argparse.Namespace, Settings], int]
COMMANDS: dict[str, Command] = {}


def command(name: str) -> Callable[[Command], Command]:
    def register(function: Command) -> Command:
        COMMANDS[name] = function
        return function

    return register


def _store_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--store",
        metavar="PATH",
        help="存储目录 the store directory (default: $GOVKG_STORE, else "
        "$XDG_DATA_HOME/govkg/store or ~/.local/share/govkg/store)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="govkg",
        description="政府职能与数据职责知识图谱：发现职责交叉与职责缺位。"
        " A knowledge graph of government functions and data duties: find overlapping"
        " and missing responsibilities.",
        epilog="工作簿契约（表、列、规则 R1–R17、问题 JSON、草稿并入） the workbook contract"
        " (tables, columns, rules R1-R17, findings JSON, the draft merge): docs/workbook.md"
        " in the govkg repository.",
    )
    parser.add_argument("--version", action="version", version=f"govkg {__version__}")
    parser.add_argument(
        "--base-iri", metavar="IRI", help="实体 IRI 的前缀 base IRI of entities ($GOVKG_BASE_IRI)"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    load = sub.add_parser(
        "load",
        help="加载工作簿或 RDF 文件 load workbooks and RDF files into the store",
        description="把工作簿（.xlsx 或 CSV 文件夹）和 RDF 文件（Turtle、N-Triples、JSON-LD）"
        "加载进存储，每个来源一个命名图；再次加载同一来源会替换它的图。全部成功或全部不写。"
        " Load workbooks (.xlsx or a folder of CSV) and RDF files (Turtle, N-Triples,"
        " JSON-LD) into the store, each source into its own named graph; loading a source"
        " again replaces its graph. All or nothing.",
    )
    load.add_argument("sources", nargs="+", type=Path, metavar="FILE_OR_DIR")
    load.add_argument("--graph", metavar="IRI", help="命名图 IRI the named graph (one source)")
    load.add_argument(
        "--no-findings",
        action="store_true",
        help="不计算、不保存规则问题（很大的加载用；旧的问题图会被删除） do not compute and store"
        " the findings of the rules (for a very large load; an older findings graph is"
        " removed) ($GOVKG_FINDINGS_ON_LOAD=0)",
    )
    load.add_argument(
        "--no-neo4j-rows",
        action="store_true",
        help="不预先准备推送到 Neo4j 的数据（不用 Neo4j 时可省约一成加载时间；推送时再读存储）"
        " do not prepare what `neo4j push` sends (saves about a tenth of the load when"
        " Neo4j is not used; a push then reads the store) ($GOVKG_NEO4J_ROWS_ON_LOAD=0)",
    )
    _store_options(load)

    query = sub.add_parser(
        "query",
        help="SPARQL 查询 run a SPARQL query",
        description="在存储上运行 SPARQL 1.1 查询；默认图是所有命名图的并集；gk: org: dcat: "
        "dct: prov: skos: 等前缀已预先声明。 Run a SPARQL 1.1 query on the store; the default"
        " graph is the union of all named graphs; the prefixes gk: org: dcat: dct: prov:"
        " skos: ... are predeclared.",
    )
    query.add_argument("sparql", help="查询文本，或 @文件 the query, or @FILE")
    query.add_argument(
        "--format",
        default="table",
        choices=["table", "json", "csv", "tsv", "xml", "ttl", "nt"],
        help="结果格式 result format (json is SPARQL 1.1 Query Results JSON; ttl/nt for CONSTRUCT)",
    )
    _store_options(query)

    export = sub.add_parser(
        "export",
        help="导出图 export the graph",
        description="导出存储中的数据。 Export the store's data: ttl, nt, jsonld give the union of"
        " all graphs (or one --graph); nq and trig keep the named graphs.",
    )
    export.add_argument("--format", default="ttl", choices=["ttl", "nt", "jsonld", "nq", "trig"])
    export.add_argument("--graph", metavar="IRI", help="只导出这个命名图 only this named graph")
    export.add_argument("-o", "--output", type=Path, help="输出文件 output file (default stdout)")
    _store_options(export)

    graphs = sub.add_parser(
        "graphs",
        help="列出已加载的来源 list loaded sources",
        description="列出存储中的命名图及其来源（PROV-O）。 List the store's named graphs with"
        " their provenance.",
    )
    _store_options(graphs)
    _validate_parser(sub)
    _serve_parser(sub)
    from govkg.cli import neo4j as neo4j_cli

    neo4j_cli.add_parser(sub, _store_options)
    from govkg.cli import mandate as mandate_cli

    mandate_cli.add_parser(sub, _store_options)
    from govkg.cli import text as text_cli

    text_cli.add_parsers(sub, _store_options)
    return parser


def _serve_parser(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser(
        "serve",
        help="启动 HTTP API 服务 serve the HTTP API (SPARQL endpoint and REST)",
        description="启动 HTTP API：/sparql（SPARQL 1.1 协议）、REST 资源和 /docs；默认只监听本机"
        " 127.0.0.1。写入（/update、/load）需设置 GOVKG_TOKEN。 Serve the HTTP API: /sparql"
        " (SPARQL 1.1 Protocol), REST resources and /docs; binds to 127.0.0.1 unless told"
        " otherwise. Writes (/update, /load) need GOVKG_TOKEN.",
    )
    serve.add_argument("--host", help="监听地址 host to bind (default 127.0.0.1, $GOVKG_HOST)")
    serve.add_argument("--port", type=int, help="端口 port (default 8000, $GOVKG_PORT)")
    _store_options(serve)


def _validate_parser(sub: argparse._SubParsersAction) -> None:
    validate = sub.add_parser(
        "validate",
        help="按规则 R1–R17 校验 check the rules R1-R17",
        description="按 docs/workbook.md 的规则 R1–R17 校验工作簿或 RDF 文件（不写入存储），"
        "不给文件时校验存储；--draft 把征求意见稿并入基准后比较。退出码：0 通过，1 有违规，"
        "2 输入有误。 Check workbooks or RDF files (nothing is stored) against the rules"
        " R1-R17, or the store when no file is given; --draft merges a draft into the"
        " baseline and compares. Exit status: 0 conforms, 1 violations, 2 bad input.",
    )
    validate.add_argument("sources", nargs="*", type=Path, metavar="FILE_OR_DIR")
    validate.add_argument(
        "--draft", type=Path, metavar="FILE", help="征求意见稿工作簿 a draft workbook"
    )
    validate.add_argument("--format", default="text", choices=["text", "json", "xlsx"])
    validate.add_argument("-o", "--output", type=Path, help="输出文件 output file")
    validate.add_argument("--lang", default="zh", choices=["zh", "en"], help="报告语言 language")
    validate.add_argument(
        "--rule", action="extend", nargs="+", metavar="RULE", help="只查这些规则 only these rules"
    )
    validate.add_argument("--engine", default="default", choices=["default", "pyshacl"])
    validate.add_argument(
        "--by-government",
        action="store_true",
        help="按政府分块、多进程校验（内存以最大的政府为限；300 MB 以上的工作簿总是如此） validate"
        " each government apart, in worker processes (memory bounded by the largest"
        " government; always so for a workbook of 300 MB or more)",
    )
    from govkg.cli.neo4j import add_validate_options

    add_validate_options(validate)
    _store_options(validate)


@command("load")
def _load(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.loading import load_sources

    if args.no_findings:
        settings = settings.with_options(findings_on_load=False)
    if args.no_neo4j_rows:
        settings = settings.with_options(neo4j_rows_on_load=False)
    report = load_sources(args.sources, settings, graph=args.graph)
    for source in report.sources:
        print(
            f"已加载 loaded {source.path} → <{source.graph}>: "
            f"{source.rows:,} 行 rows, {source.triples:,} 三元组 triples"
        )
        for file, encoding in source.encodings.items():
            print(f"  {Path(file).name}: 按 {encoding.upper()} 编码读取 read as {encoding.upper()}")
    if report.findings is None:
        print("未保存规则问题 no findings stored (--no-findings)")
    else:
        from govkg.shapes.store_validation import rule_book
        from govkg.validating.report import tally

        stored = len(report.findings)
        print(f"已保存规则问题 {stored:,} 项 stored {stored:,} findings")
        for line in tally(report.findings, rule_book()):
            print(f"  {line}")
        if report.findings:
            where = f"govkg validate --store {settings.store}"
            print(f"  详情 details: {where}；网页 pages: govkg serve")
    rate = report.triples / report.seconds if report.seconds else 0
    print(f"用时 took {report.seconds:.2f} s ({rate:,.0f} triples/s); 存储 store: {settings.store}")
    return 0


@command("query")
def _query(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.querying import format_outcome, in_deep_stack, user_query
    from govkg.store import GraphStore

    text = args.sparql
    if text.startswith("@"):
        text = Path(text[1:]).read_text(encoding="utf-8")
    reader = GraphStore(settings.store).open_reader()
    output = in_deep_stack(lambda: format_outcome(user_query(reader, text, settings), args.format))
    sys.stdout.buffer.write(output)
    return 0


@command("export")
def _export(args: argparse.Namespace, settings: Settings) -> int:
    from govkg import exporting
    from govkg.store import GraphStore

    reader = GraphStore(settings.store).open_reader()
    if args.output:
        with args.output.open("wb") as out:
            exporting.export(reader, out, format=args.format, graph=args.graph)
    else:
        exporting.export(reader, sys.stdout.buffer, format=args.format, graph=args.graph)
    return 0


@command("graphs")
def _graphs(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.querying import format_outcome, run_query
    from govkg.store import GraphStore

    outcome = run_query(
        GraphStore(settings.store).open_reader(),
        # rows: for a source graph the rows read, for the findings graph its findings
        """SELECT ?graph ?source ?loaded ?rows WHERE {
             { GRAPH ?graph { ?graph a gk:SourceGraph ; prov:wasDerivedFrom ?source ;
                                prov:generatedAtTime ?loaded ; gk:rowsRead ?rows } }
             UNION
             { GRAPH ?graph { ?graph a gk:FindingsGraph ; prov:wasDerivedFrom ?source ;
                                prov:generatedAtTime ?loaded ; gk:findingCount ?rows } } }
           ORDER BY ?graph ?source""",
    )
    sys.stdout.buffer.write(format_outcome(outcome, "table"))
    return 0


@command("validate")
def _validate(args: argparse.Namespace, settings: Settings) -> int:
    if getattr(args, "neo4j", None):
        from govkg.cli.neo4j import run_validate as run_on_neo4j

        return run_on_neo4j(args, settings)
    from govkg.cli.validate import run_validate

    return run_validate(args, settings)


@command("neo4j")
def _neo4j(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.cli.neo4j import run

    return run(args, settings)


@command("import")
def _import(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.cli.mandate import run

    return run(args, settings)


@command("propose")
def _propose(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.cli.text import run_propose

    return run_propose(args, settings)


@command("decisions")
def _decisions(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.cli.text import run_decisions

    return run_decisions(args, settings)


@command("serve")
def _serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from govkg.api.main import create_app

    settings = settings.with_options(host=args.host, port=args.port)
    address = f"http://{settings.host}:{settings.port}"
    print(f"网页 pages: {address}/  (English: {address}/?lang=en)")
    print(f"接口 API: {address}/docs  存储 store: {settings.store}", flush=True)
    app = create_app(settings)
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        log_level="info",
        # whose X-Forwarded-For names the client (per-client limits): uvicorn's default,
        # the loopback address, unless a reverse proxy elsewhere is named
        forwarded_allow_ips=settings.forwarded_allow_ips,
    )
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.from_env(store=getattr(args, "store", None), base_iri=args.base_iri)
        use_limits(settings.archive_limits())
        return COMMANDS[args.command](args, settings)
    except GovkgError as error:
        print("错误 error:", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem}", file=sys.stderr)
        return error.exit_status
    except BrokenPipeError:
        return 0


def run() -> NoReturn:
    """The ``govkg`` command: ``main``, then leave without freeing what it built (a
    province's store takes seconds to free, object by object: govkg/lifetime.py)."""
    start_keeping()
    exit_without_freeing(main())
