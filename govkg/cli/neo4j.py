"""The bodies of ``govkg neo4j push|pull`` and ``govkg validate --neo4j`` (govkg/cli/__init__.py
only registers them). Nothing here imports the driver: govkg/neo4j/client.py does."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from govkg.errors import InputError, Problem
from govkg.settings import Settings

DEFAULT_PASSWORD_ENV = "NEO4J_PASSWORD"


def _connection_options(parser: argparse.ArgumentParser, prefix: str = "") -> None:
    flag = f"--{prefix}" if prefix else "--"
    if not prefix:
        parser.add_argument(
            "--uri", metavar="URI", help="bolt:// 或 neo4j:// 地址 the server ($GOVKG_NEO4J_URI)"
        )
    parser.add_argument(
        f"{flag}user", metavar="USER", help="用户名 user name ($GOVKG_NEO4J_USER, default neo4j)"
    )
    parser.add_argument(
        f"{flag}password-env",
        metavar="VAR",
        default=DEFAULT_PASSWORD_ENV,
        help=f"存放密码的环境变量 the environment variable holding the password "
        f"(default {DEFAULT_PASSWORD_ENV}; unset means an empty password)",
    )
    parser.add_argument(
        f"{flag}database", metavar="NAME", help="数据库 the database ($GOVKG_NEO4J_DATABASE)"
    )


def add_parser(sub: Any, store_options: Any) -> None:
    """``govkg neo4j push`` and ``govkg neo4j pull``."""
    group = sub.add_parser(
        "neo4j",
        help="同步到 Neo4j sync the graph with Neo4j",
        description="把存储中的图写入 Neo4j（带标签的属性图，见 docs/neo4j.md），或取回。"
        " Write the store's graph into Neo4j as a labelled property graph"
        " (docs/neo4j.md), or bring it back.",
    )
    actions = group.add_subparsers(dest="neo4j_action", required=True, metavar="ACTION")
    push = actions.add_parser(
        "push",
        help="写入 write the store's graph into Neo4j",
        description="把存储中所有命名图的并集写入 Neo4j；再次推送得到同样的图，不留旧节点和关系。"
        " Write the union of the store's graphs into Neo4j; pushing again gives the same"
        " graph and leaves no stale nodes or relationships.",
    )
    _connection_options(push)
    push.add_argument("--batch", type=int, metavar="N", help="每批行数 rows per batch (1000)")
    push.add_argument(
        "--connections",
        type=int,
        choices=(1, 2),
        help="FalkorDB 上的写入连接数（默认 1；2 个快约四分之一，但两个连接同时写入会使 "
        "FalkorDB 4.18 崩溃，见 docs/neo4j.md） writing connections on FalkorDB (default 1; "
        "2 is a quarter faster, but two connections writing at once crash FalkorDB 4.18: "
        "docs/neo4j.md) ($GOVKG_NEO4J_CONNECTIONS)",
    )
    store_options(push)
    pull = actions.add_parser(
        "pull",
        help="取回 read the graph back from Neo4j as N-Triples",
        description="把 Neo4j 中的图取回为 N-Triples（可再用 govkg load 加载）。 Read the graph"
        " back from Neo4j as N-Triples (load it again with `govkg load`).",
    )
    _connection_options(pull)
    pull.add_argument("-o", "--output", type=Path, help="输出文件 output file (default stdout)")


def add_validate_options(validate: argparse.ArgumentParser) -> None:
    """``govkg validate --neo4j URI``: the rules as Cypher, run in the database."""
    validate.add_argument(
        "--neo4j",
        metavar="URI",
        help="在这个 Neo4j 中用 Cypher 校验已推送的图 check the graph pushed to this Neo4j"
        " with the rules in Cypher",
    )
    _connection_options(validate, prefix="neo4j-")


def connect(args: argparse.Namespace, settings: Settings, uri: str | None = None) -> Any:
    from govkg.neo4j.client import Connection

    uri = uri or getattr(args, "uri", None) or settings.neo4j_uri
    if not uri:
        raise InputError(
            Problem(
                "--uri",
                "请用 --uri 或 GOVKG_NEO4J_URI 指定图数据库",
                "name the graph database with --uri or GOVKG_NEO4J_URI",
            )
        )
    user = getattr(args, "user", None) or getattr(args, "neo4j_user", None)
    env_name = str(
        getattr(args, "password_env", None)
        or getattr(args, "neo4j_password_env", DEFAULT_PASSWORD_ENV)
    )
    database = getattr(args, "database", None) or getattr(args, "neo4j_database", None)
    return Connection(
        uri,
        user or settings.neo4j_user,
        os.environ.get(env_name, ""),
        database=database or settings.neo4j_database,
    )


# said before a push on two connections into FalkorDB (docs/neo4j.md: the race is
# FalkorDB's, reproduced by bench/falkordb_race.py)
TWO_CONNECTIONS_WARNING = (
    "注意：两个连接同时写入会使 FalkorDB 4.18 崩溃（其 Bolt 桥在两个线程中无原子操作地增减同一"
    "字符串的引用计数，见 docs/neo4j.md）；仅用于可随时重启、不存其他数据的服务器。 warning: two "
    "connections writing at once crash FalkorDB 4.18 (its Bolt bridge counts references to "
    "one string from two threads without atomics: docs/neo4j.md); use two only on a server "
    "that can be restarted and holds nothing else."
)


def run(args: argparse.Namespace, settings: Settings) -> int:
    if args.neo4j_action == "push":
        return _push(args, settings)
    return _pull(args, settings)


def _push(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.neo4j.prepared import prepared_copy
    from govkg.neo4j.sync import push
    from govkg.progress import Progress
    from govkg.store import GraphStore

    # the rows the load prepared beside the generation, else the generation mapped now
    generation, reader = GraphStore(settings.store).open_generation()
    prepared = prepared_copy(settings.store, generation)
    progress = Progress("推送 pushing")

    def on_progress(count: int, stage: str, total: int) -> None:
        progress.total = total
        progress.stage = stage
        progress.advance(count)

    connections = args.connections or settings.neo4j_connections
    with connect(args, settings) as conn:
        if connections == 2 and conn.dialect == "falkordb":
            print(TWO_CONNECTIONS_WARNING, file=sys.stderr)
        try:
            report = push(
                reader,
                conn,
                batch=args.batch or settings.neo4j_batch,
                connections=connections,
                on_progress=on_progress,
                prepared=prepared,
            )
        finally:
            progress.close()
    rate = (report.nodes + report.relationships) / report.seconds if report.seconds else 0
    print(
        f"已推送 pushed {report.triples:,} 三元组 triples → {report.nodes:,} 节点 nodes, "
        f"{report.relationships:,} 关系 relationships; 删除旧的 deleted stale "
        f"{report.deleted_nodes:,} nodes, {report.deleted_relationships:,} relationships; "
        f"用时 took {report.seconds:.2f} s ({rate:,.0f}/s)"
    )
    return 0


def _pull(args: argparse.Namespace, settings: Settings) -> int:
    from govkg.neo4j.sync import pull, write_ntriples

    with connect(args, settings) as conn:
        if args.output:
            with args.output.open("wb") as out:
                count = write_ntriples(pull(conn), out)
            print(f"已取回 pulled {count:,} 三元组 triples → {args.output}", file=sys.stderr)
        else:
            write_ntriples(pull(conn), sys.stdout.buffer)
    return 0


def run_validate(args: argparse.Namespace, settings: Settings) -> int:
    """``govkg validate --neo4j URI``: the same report as the SHACL engine's."""
    from govkg.cli.validate import check_report_options, write_report
    from govkg.neo4j.rules import validate_neo4j
    from govkg.shapes.store_validation import check_options, rule_book

    if args.sources or args.draft is not None:
        raise InputError(
            Problem(
                "--neo4j",
                "--neo4j 校验已推送到图数据库的图，不能再给文件或 --draft",
                "--neo4j checks the graph pushed to the database: give no files and no --draft",
            )
        )
    check_report_options(args)
    book = rule_book()
    check_options(book, args.rule, "default")
    with connect(args, settings, uri=args.neo4j) as conn:
        findings = validate_neo4j(conn, book, args.rule)
    return write_report(args, findings, book)
