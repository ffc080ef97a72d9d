"""Kinesis shard and DAX node quotas the apply draws on."""

from __future__ import annotations

from typing import Any

from tools.preflight.context import Context
from tools.preflight.outcome import AWS_CALL_ERRORS, Outcome, Status, unanswered


def kinesis_shards(ctx: Context) -> Outcome:
    """Kinesis DescribeLimits: shards (PROVISIONED) or on-demand streams left in the region."""
    check = "kinesis-quota"
    try:
        limits = ctx.client("kinesis").describe_limits()
    except AWS_CALL_ERRORS as error:
        return unanswered(check, "kinesis:DescribeLimits", error)
    fix = "request a higher Kinesis Data Streams quota in Service Quotas"
    if ctx.root.value("stream_mode") == "PROVISIONED":
        wanted = int(ctx.root.value("shard_count") or 1)
        free = int(limits["ShardLimit"]) - int(limits["OpenShardCount"])
        detail = f"{wanted} shards wanted, {free} of {limits['ShardLimit']} free"
    else:
        wanted = 1
        free = int(limits["OnDemandStreamCountLimit"]) - int(limits["OnDemandStreamCount"])
        detail = f"1 on-demand stream wanted, {free} of {limits['OnDemandStreamCountLimit']} free"
    if free >= wanted:
        return Outcome(check, Status.PASS, detail)
    return Outcome(check, Status.FAIL, detail + ": CreateStream is refused", fix)


def _dax_node_quotas(ctx: Context) -> list[dict[str, Any]]:
    paginator = ctx.client("service-quotas").get_paginator("list_service_quotas")
    return [
        quota
        for page in paginator.paginate(ServiceCode="dax")
        for quota in page["Quotas"]
        if "node" in str(quota.get("QuotaName", "")).lower()
    ]


def dax_nodes(ctx: Context) -> Outcome:
    """Service Quotas ListServiceQuotas(dax) and DAX DescribeClusters: nodes per cluster
    and per region against dax_node_count."""
    check = "dax-node-quota"
    if not ctx.root.module_argument("mobile_backend", "create_dax"):
        return Outcome(check, Status.PASS, "no DAX cluster in this environment")
    wanted = int(ctx.root.module_argument("mobile_backend", "dax_node_count") or 1)
    try:
        quotas = _dax_node_quotas(ctx)
    except AWS_CALL_ERRORS as error:
        return unanswered(
            check,
            "service-quotas:ListServiceQuotas(dax)",
            error,
            "check the DAX node quotas in the Service Quotas console",
        )
    if not quotas:
        return Outcome(
            check,
            Status.SKIP,
            "Service Quotas lists no DAX node quota here",
            "check the DAX node quotas in the Service Quotas console",
        )
    try:
        clusters = ctx.client("dax").describe_clusters()["Clusters"]
    except AWS_CALL_ERRORS as error:
        return unanswered(check, "dax:DescribeClusters", error)
    ours = f"{ctx.name_prefix}-dax"
    in_use = sum(int(c.get("TotalNodes", 0)) for c in clusters if c["ClusterName"] != ours)
    short = []
    for quota in quotas:
        limit = int(quota["Value"])
        per_cluster = "cluster" in str(quota["QuotaName"]).lower()
        needed = wanted if per_cluster else in_use + wanted
        if needed > limit:
            short.append(f"{quota['QuotaName']} {limit} < {needed}")
    detail = f"{wanted} nodes wanted, {in_use} in other clusters"
    if not short:
        return Outcome(check, Status.PASS, detail)
    return Outcome(
        check,
        Status.FAIL,
        f"{detail}: {'; '.join(short)}",
        "request a higher DAX node quota in Service Quotas, or lower dax_node_count",
    )
