def list_incidents(
    session: requests.Session,
    status: str = None,
    severity: str = None,
    limit: int = 25,
) -> dict:
    params = {"limit": limit}
    if status:
        params["status"] = status
    if severity:
        params["severity"] = severity

    response = session.get(f"{BASE_URL}/incidents", params=params)
    response.raise_for_status()
    return response.json()

# Usage
result = list_incidents(api, status="active", severity="high")

print(f"Found {result['meta']['total']} incidents")
for incident in result["data"]:
    print(f"[{incident['severity']}] {incident['title']}")

def create_incident(
    session: requests.Session,
    title: str,
    severity: str,
    description: str,
) -> dict:
    response = session.post(
        f"{BASE_URL}/incidents",
        json={
            "title": title,
            "severity": severity,
            "description": description,
        },
    )
    response.raise_for_status()
    return response.json()

# Usage
incident = create_incident(
    api,
    title="Redis cluster failover in us-east-1",
    severity="critical",
    description=(
        "Primary Redis node became unreachable at 14:32 UTC. "
        "Sentinel promoted a replica, but several services experienced "
        "cache misses and elevated latency during the failover window."
    ),
)

print(f"Created incident {incident['id']}")
