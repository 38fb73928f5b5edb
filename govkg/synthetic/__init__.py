"""Synthetic mandate workbooks: deterministic, contract-exact, from a county to a province.

``generate_workbook`` writes a workbook (``docs/workbook.md``) for a fictional province
江淮省 (division codes 32xxxx): one government per ~40 agencies, the usual departments of
each (``govkg.synthetic.names.TEMPLATES``), 事业单位 under them, internal units, a function tree
with the categories 信息化 and 数据管理, lead and support duties, division rows, power items
from both lists sharing base codes, datasets with sources and data duties.

Every row is a pure function of the seed and the row's position (a 64-bit mixing hash, no
shared random stream), so each table can be produced on its own and streamed: memory
holds the agencies and nothing that grows with units, power items or datasets.

Instances of every rule R1–R15 are planted: each candidate is hit with probability
``violations`` and the first candidate of each rule is always hit (when ``violations``
> 0), so even a tiny workbook has findings; everything else is clean.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from functools import partial
from pathlib import Path

from govkg.loaders.codes import USCC_CHARSET
from govkg.loaders.contract import TABLES
from govkg.synthetic import names as N
from govkg.synthetic.plan import Agency, Plan

Row = list[str]


class SyntheticWorkbook(Plan):
    """A planned synthetic workbook; ``rows(table)`` streams the rows of one table."""

    def rows(self, table: str) -> Iterator[Row]:
        """The rows of a contract table, cells in the contract's column order."""
        return getattr(self, f"_{table}")()

    def _agencies(self) -> Iterator[Row]:
        ranks = {"省": ("正厅级", "副厅级", "正处级"), "市": ("正处级", "副处级", "正科级")}
        for a in self.agencies:
            code, gname, level = self.govs[a.gov]
            r = ranks.get(level, ("正科级", "副科级", "副科级"))
            rank = r[2] if a.template == -1 else r[1] if a.kind == "部门管理机构" else r[0]
            if a.kind in ("议事协调机构", "国有企业"):
                rank = ""
            plate = N.NAMEPLATES.get(a.template)
            cdo = a.kind in N.CDO_KINDS or a.template == N.OFFICE
            yield [
                a.id, a.name, a.kind, code, level, a.parent, a.hosted_in, rank,
                gname + plate if plate else "", a.uscc, a.staffing,
                "分管数据工作的负责同志" if cdo and not a.r9 else "",
                "" if rank == "" else a.name + "职能配置、内设机构和人员编制规定",
            ]  # fmt: skip

    def _units(self) -> Iterator[Row]:
        suffix = {"省": "处", "市": "科"}
        for a in self.agencies:
            s = suffix.get(self.govs[a.gov][2], "股")
            for j in range(a.n_units):
                if j == 0:
                    name = "科技信息化" + s
                else:
                    k = j - 1
                    n = len(N.LEAVES)
                    name = N.LEAVES[k % n] + (N.ORDINALS[k // n % 10] if k >= n else "") + s
                yield [self.unit_id(a, j), a.id, name, str(self.unit_staffing(a, j))]

    def _functions(self) -> Iterator[Row]:
        for i, (name, _) in enumerate(N.GROUPS):
            yield [f"G{i + 1}", name, "", "", ""]
        group_of = {t: i for i, (_, ts) in enumerate(N.GROUPS) for t in ts}
        for t, tpl in enumerate(N.TEMPLATES):
            yes = self.yes if t < self.mandatory else ""
            cat = "数据管理" if t == N.DATA_BUREAU else ""
            root = f"F{t + 1:02d}"
            yield [root, tpl.domain + "管理", f"G{group_of[t] + 1}", yes, cat]
        copies = range(len(self.govs)) if self.catalogue == "government" else (0,)
        for g in copies:
            fid = partial(self.function_id, g)
            for t, tpl in enumerate(N.TEMPLATES):
                root = f"F{t + 1:02d}"
                for i, leaf in enumerate(N.LEAVES):
                    yield [fid(f"{root}.{i + 1}"), tpl.domain + leaf, root, "", ""]
                yield [fid(f"{root}.IT"), tpl.domain + "信息化建设", root, "", "信息化"]
            for c, (name, _, _) in enumerate(N.CROSS_FUNCTIONS):
                yield [fid(f"FX{c + 1}"), name, "", "", ""]

    def _duties(self) -> Iterator[Row]:
        for a in self.agencies:
            yield from self._own_duties(a)
            for n, (local, unit) in enumerate(a.extra_leads):
                fn = self.function_id(a.gov, local)
                text = f"参与牵头{local}相关工作"
                holder = a.id if unit < 0 else self.unit_id(a, unit)
                yield [f"{a.id}-L{n + 1}", holder, text, fn, "牵头", ""]
                if unit >= 0:  # the agency's own duty covers its unit's (no R14)
                    yield [f"{a.id}-L{n + 1}S", a.id, text, fn, "配合", ""]

    def _own_duties(self, a: Agency) -> Iterator[Row]:
        fid = partial(self.function_id, a.gov)
        present = self.by_template[a.gov]
        dom = N.TEMPLATES[a.domain].domain
        lead = "配合" if a.template == -1 or a.r3 else "牵头"
        text = f"负责{dom}工作的统筹规划和组织实施"
        yield [f"{a.id}-D1", a.id, text, f"F{a.domain + 1:02d}", lead, "三定规定第三条(一)"]
        for c, (name, ta, tb) in enumerate(N.CROSS_FUNCTIONS):
            if a.template in (ta, tb) and ta in present and tb in present:
                # Both departments lead it; the division row settles it (no R2).
                text = f"负责{name}相关工作"
                yield [f"{a.id}-X{c + 1}", a.id, text, fid(f"FX{c + 1}"), "牵头", ""]
        if a.r2_target >= 0:  # R2: leads another department's root, no division
            t = a.r2_target
            text = f"负责{N.TEMPLATES[t].domain}相关工作"
            yield [f"{a.id}-D2", a.id, text, f"F{t + 1:02d}", "牵头", ""]
        if a.r10:  # R10: a second line (发改) works on a 数据管理 function
            yield [f"{a.id}-D3", a.id, "配合推进公共数据资源开发利用", "F02", "配合", ""]
        # Units of a 事业单位 work on its parent's leaves: as 配合, or R2 would fire.
        role = "配合" if a.template == -1 else "牵头"
        for j in range(a.n_units):
            key, f = a.unit_offset + j, f"F{a.domain + 1:02d}"
            if j == 0 or (j == 1 and a.r6):  # one 信息化 unit per agency; two is R6
                fn, text = fid(f + ".IT"), f"负责本单位{dom}信息化建设和网络安全"
            elif j % 2 == 0 and self._hit(5, key):
                continue  # R5: a unit without duties
            elif j % 2 == 1 and j >= 3 and self._hit(14, key):
                other = a.domain + 1 if 1 < a.domain + 1 < len(N.TEMPLATES) else 2
                fn, text = fid(f"F{other + 1:02d}.1"), "承担其他领域有关工作"  # R14
                yield [f"{self.unit_id(a, j)}-D1", self.unit_id(a, j), text, fn, "配合", ""]
                continue
            else:
                leaf = N.LEAVES[(j - 1) % len(N.LEAVES)]
                fn, text = fid(f"{f}.{(j - 1) % len(N.LEAVES) + 1}"), f"承担{dom}{leaf}工作"
            yield [f"{self.unit_id(a, j)}-D1", self.unit_id(a, j), text, fn, role, ""]

    def _divisions(self) -> Iterator[Row]:
        for g, present in enumerate(self.by_template):
            for c, (name, ta, tb) in enumerate(N.CROSS_FUNCTIONS):
                if ta in present and tb in present:
                    a, b = present[ta], present[tb]
                    text = f"{a.name}负责{name}的源头管理，{b.name}负责后续环节监管"
                    basis = f"编办发〔2024〕{c + 1}号"
                    fid = self.function_id(g, f"FX{c + 1}")
                    yield [f"FG{self.govs[g][0]}-{c + 1}", f"{a.id};{b.id}", fid, text, basis]
        # shape knob ``leads``: one row names every lead agency of a function, except
        # where R2 is planted
        for n, ((g, local), leads) in enumerate(self.shared_leads.items()):
            if not self._hit(2, n):
                names = ";".join(a.id for a in leads)
                text = f"{leads[0].name}牵头负责{local}，其他单位按职责分工配合"
                yield [f"FL{self.govs[g][0]}-{n + 1}", names, self.function_id(g, local), text, ""]

    def _base(self, t: int, k: int, sub: int = 0) -> tuple[str, str, str, str]:
        """(base code, name, type, basis) of catalogue entry (k, sub) of template t (四级四同).

        Sub-entries (sub > 0) are the other base codes R8's plant lists in one list only.
        """
        x = self._h(80, t, k, sub)
        types = list(N.POWER_SUFFIXES)
        ptype = types[x % len(types)]
        dash = "-01" if x >> 8 & 15 == 0 else ""  # some base codes carry a dash (see R15)
        code = f"{x % len(types) + 1:02d}{t + 1:03d}{k:04d}{sub:03d}{dash}"
        obj = N.POWER_OBJECTS[k % len(N.POWER_OBJECTS)]
        nth = f"（{k // len(N.POWER_OBJECTS) + 1}）" if k >= len(N.POWER_OBJECTS) else ""
        domain = N.TEMPLATES[t].domain
        return (
            code,
            f"{domain}{obj}{N.POWER_SUFFIXES[ptype]}{nth}",
            ptype,
            f"《{domain}管理条例》第{k % 60 + 1}条",
        )

    def _power_items(self) -> Iterator[Row]:
        for a in self.agencies:
            gov = self.govs[a.gov][0]
            for p in range(a.n_pairs):
                key = a.pair_offset + p
                x = self._h(81, key)
                code, name, ptype, basis = self._base(a.domain, p)
                days, mats = str(5 + x % 16), N.MATERIALS[x % 3 : x % 3 + 2 + (x >> 4) % 3]
                materials = (";" if x >> 8 & 1 else "；").join(mats)
                bname = name + "（旧版）" if self._hit(7, key) else name  # R7
                yield [f"QL-{a.id}-{p + 1:04d}", code, bname, ptype, a.id, basis,
                       days, materials, "编办", ""]  # fmt: skip
                if self._hit(8, key):  # R8: the service list has another base code
                    code, name, ptype, basis = self._base(a.domain, p, 1)
                impl = f"{code}-{gov}000000-000-{a.uscc}-1-{p % 99 + 1:02d}"
                if self._hit(15, key):
                    impl = self._bad_impl(code, gov, a.uscc, p, x)
                yield [f"ZW-{a.id}-{p + 1:04d}", code, name, ptype, a.id, basis,
                       days, materials, "政务服务", impl]  # fmt: skip
            if a.extra_item:  # pair 0 listed twice in 编办 (alone, R8 reports it: unavoidable)
                code, name, ptype, basis = self._base(a.domain, 0)
                yield [f"QL-{a.id}-X", code, name, ptype, a.id, basis, "", "", "编办", ""]

    @staticmethod
    def _bad_impl(code: str, gov: str, uscc: str, p: int, x: int) -> str:
        """R15: an impl_code wrong in one of four ways."""
        mode = x >> 12 & 3
        if mode == 0:  # area code of another province
            return f"{code}-110101000000-000-{uscc}-1-01"
        if mode == 1:  # wrong check character
            wrong = USCC_CHARSET[(USCC_CHARSET.index(uscc[-1]) + 1) % len(USCC_CHARSET)]
            return f"{code}-{gov}000000-000-{uscc[:-1]}{wrong}-1-01"
        if mode == 2:  # base code of another item
            return f"{code[:-3]}999-{gov}000000-000-{uscc}-1-01"
        return f"{code}-{gov}000000-{uscc}-1-{p % 99 + 1:02d}"  # the 000 part is missing

    def _dataset_plants(self, a: Agency, j: int) -> tuple[int, bool]:
        """(R1 mode: 0 none, 1 no source, 2 two sources; R13) for the dataset with key j."""
        if j != self.forced[13] and self._hit(1, j):
            two = len(self.by_template[a.gov]) > 1 and self._h(74, j) & 1
            return (2 if two else 1), False
        return 0, self._hit(13, j)

    def _datasets(self) -> Iterator[Row]:
        updates = list(N.UPDATES)
        for a in self.agencies:
            dom = N.TEMPLATES[a.domain].domain
            present = self.by_template[a.gov]
            other = present.get(N.DATA_BUREAU if a.template == N.OFFICE else N.OFFICE)
            for k in range(a.n_datasets):
                j = a.ds_offset + k
                x = self._h(90, j)
                r1, r13 = self._dataset_plants(a, j)
                share = N.SHARES[0 if x % 20 < 10 else 1 if x % 20 < 17 else 2]
                if r1 == 1:
                    share = "不予共享"  # keep R13 quiet where R1 speaks
                elif r13:
                    share = "有条件共享"
                sources = {0: a.id, 1: "", 2: f"{a.id};{other.id if other else ''}"}[r1]
                obj = N.DATA_OBJECTS[k % len(N.DATA_OBJECTS)]
                nth = f"（{k // len(N.DATA_OBJECTS) + 1}）" if k >= len(N.DATA_OBJECTS) else ""
                yield [f"DS-{a.id}-{k + 1:04d}", a.name + obj + nth, sources, share,
                       N.OPENS[(x >> 8) % 3], updates[(x >> 16) % 7],
                       dom + N.SYSTEMS[k % len(N.SYSTEMS)]]  # fmt: skip

    def _data_duties(self) -> Iterator[Row]:
        for a in self.agencies:
            mandate = self.no if a.r4 else self.yes
            if a.template == N.DATA_BUREAU:  # duties over no single dataset
                for n, kind in enumerate(("汇聚", "管理", "安全")):
                    text = f"负责公共数据{kind}工作"
                    yield [f"{a.id}-SJ{n + 1}", a.id, kind, "", mandate, text]
            for k in range(a.n_datasets):
                j, ds = a.ds_offset + k, f"DS-{a.id}-{k + 1:04d}"
                kind = "采集" if self._dataset_plants(a, j)[1] else "提供"  # R13
                yield [f"{ds}-P", a.id, kind, ds, mandate, "按目录提供数据共享服务"]
                if a.n_units:
                    unit = self.unit_id(a, k % a.n_units)
                    yield [f"{ds}-C", unit, "采集", ds, self.no, "负责数据采集和更新"]

    def _transfers(self) -> Iterator[Row]:
        """Where two departments share a cross function, the first moves its part out to
        the second, which holds a duty stating it: transfers R17 judges and lets pass (its
        findings are planted in tests/test_transfers.py, so that the rule sets other tests
        expect of generated workbooks stay R1-R15)."""
        for present in self.by_template:
            for c, (name, ta, tb) in enumerate(N.CROSS_FUNCTIONS):
                if ta in present and tb in present:
                    a, b = present[ta], present[tb]
                    moved = f"将{name}相关工作职责划出给{b.name}。"
                    basis = f"三定规定 一、职责调整（{c + 1}）"
                    yield [f"{a.id}-T{c + 1}", a.id, "划出", b.name, b.id, moved, basis]


def _header(table: str, language: str) -> tuple[str, list[str]]:
    t = next(t for t in TABLES if t.name == table)
    if language == "zh":
        return t.zh, [c.zh for c in t.columns]
    return t.name, [c.name for c in t.columns]


def generate_workbook(
    out: Path | str,
    *,
    agencies: int,
    seed: int = 0,
    units: int | None = None,
    power_items: int | None = None,
    datasets: int | None = None,
    format: str = "csv",
    headers: str = "en",
    violations: float = 0.01,
    governments: int | None = None,
    catalogue: str = "shared",
    leads: float = 1.0,
    unit_leads: float = 0.0,
    province: str = "32",
) -> dict[str, int]:
    """Write a synthetic workbook and return its row counts per table (English names).

    ``format="csv"`` writes a folder ``out`` of ``<table>.csv`` files; ``"xlsx"`` writes
    the file ``out``. ``headers`` is ``"en"`` or ``"zh"`` (table, sheet and column names;
    yes/no cells follow: yes/no or 是/否). ``units``, ``power_items`` and ``datasets``
    default to 10, 200 and 20 per agency; ``violations`` is the rate of planted rule
    instances (0 for a clean workbook).

    Shape knobs: ``governments`` (default one per 40 agencies), ``catalogue`` (``shared``
    by all governments, or a copy per ``government`` below the mandatory roots),
    ``leads`` (lead agencies per led function per government on average, 1-7) and
    ``unit_leads`` (the share of those extra lead duties held by internal units).
    ``province``, the two digits the division codes start with, is in every id but the
    catalogue's: provinces of several codes sit side by side in one workbook (a nation)
    when the function catalogue is written once.

    >>> import tempfile
    >>> generate_workbook(Path(tempfile.mkdtemp()) / "wb", agencies=3)["agencies"]
    3
    """
    if format not in ("csv", "xlsx") or headers not in ("en", "zh"):
        raise ValueError("format is csv or xlsx; headers is en or zh")
    plan = SyntheticWorkbook(
        agencies=agencies, seed=seed, units=units, power_items=power_items,
        datasets=datasets, violations=violations, governments=governments,
        catalogue=catalogue, leads=leads, unit_leads=unit_leads, province=province,
        bools=("是", "否") if headers == "zh" else ("yes", "no"),
    )  # fmt: skip
    counts = {t.name: 0 for t in TABLES}

    def counted(table: str) -> Iterator[Row]:
        for row in plan.rows(table):
            counts[table] += 1
            yield row

    out = Path(out)
    if format == "csv":
        out.mkdir(parents=True, exist_ok=True)
        for t in TABLES:
            name, header = _header(t.name, headers)
            with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
                writer = csv.writer(f)
                writer.writerow(header)
                writer.writerows(counted(t.name))
    else:
        from govkg.loaders.xlsx_writer import write_xlsx  # openpyxl only when asked for

        out.parent.mkdir(parents=True, exist_ok=True)
        write_xlsx(
            out,
            {
                _header(t.name, headers)[0]: (_header(t.name, headers)[1], counted(t.name))
                for t in TABLES
            },
        )
    return counts
