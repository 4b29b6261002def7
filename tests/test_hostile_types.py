"""Wrong types at every level of Compose and Kubernetes documents: a PL002/PL001 finding
at the offending value, or silence for fields portlint does not read; never a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run

COMPOSE = """\
services:
  a:
    image: nginx
    ports: 5
  b: null
  c:
    ports:
      - [1]
      - {target: [1]}
      - {target: 80, published: {x: 1}}
      - {target: 80, published: "8080", protocol: [tcp], host_ip: 5}
      - null
      - 80000
  d: 5
  e:
    ports: {a: b}
    expose: 5
    network_mode: [1]
    deploy: 5
  f:
    deploy: {replicas: [1]}
    labels: 5
    environment: 5
    profiles: 5
    ports: ["8081:80"]
"""

KUBERNETES = """\
apiVersion: v1
kind: Pod
metadata: 5
spec:
  containers:
    - name: a
      ports:
        - containerPort: [1]
        - containerPort: {a: 1}
        - containerPort: 80
          hostPort: [2]
          protocol: [TCP]
          name: [x]
    - null
    - 5
    - name: b
      ports: 5
      readinessProbe: {httpGet: {port: [1]}}
---
apiVersion: v1
kind: Service
metadata: {name: [1]}
spec:
  selector: 5
  ports:
    - port: [1]
      targetPort: {a: 1}
      nodePort: [1]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d}
spec:
  template: []
---
apiVersion: apps/v1
kind: Deployment
metadata: null
spec: null
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: i}
spec:
  rules: 5
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: j}
spec:
  rules:
    - http: {paths: [{backend: {service: {name: [1], port: {number: [1]}}}}, null, 5]}
---
apiVersion: [v1]
kind: {a: 1}
---
- apiVersion: v1
---
just a string
"""


def _found(path: Path) -> list[tuple[str, int, int]]:
    return [(f.rule, f.location.line, f.location.column) for f in run(path).findings]


def test_compose_wrong_types_are_findings_at_the_value(tmp_path):
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    assert _found(tmp_path) == [
        ("PL002", 4, 12),  # ports: 5
        ("PL002", 8, 9),  # - [1]
        ("PL002", 9, 18),  # target: [1]
        ("PL002", 10, 33),  # published: {x: 1}
        ("PL002", 11, 51),  # protocol: [tcp]
        ("PL002", 12, 9),  # - null
        ("PL002", 13, 9),  # - 80000
        ("PL001", 14, 6),  # d: 5
        ("PL002", 16, 12),  # ports: {a: b}
        ("PL002", 17, 13),  # expose: 5
    ]


def test_kubernetes_wrong_types_are_findings_at_the_value(tmp_path):
    (tmp_path / "k8s.yaml").write_text(KUBERNETES)
    assert _found(tmp_path) == [
        ("PL002", 8, 26),  # containerPort: [1]
        ("PL002", 9, 26),  # containerPort: {a: 1}
        ("PL002", 11, 21),  # hostPort: [2]
        ("PL002", 12, 21),  # protocol: [TCP]
        ("PL002", 18, 40),  # httpGet.port: [1]
        ("PL002", 26, 13),  # port: [1]
        ("PL002", 27, 19),  # targetPort: {a: 1}
        ("PL002", 28, 17),  # nodePort: [1]
        ("PL002", 52, 69),  # backend port number: [1]
    ]


@pytest.mark.parametrize(
    "text",
    [
        "services: 5\n",
        "services: []\n",
        "services: null\n",
        "services: {a: []}\n",
        "services: {a: {ports: [{}]}}\n",
        "services: {a: {ports: [{target: null}]}}\n",
        "services: {a: {ports: ['']}}\n",
        "services: {a: {ports: [':::']}}\n",
        "services: {a: {ports: ['[::1]:']}}\n",
        "services: {a: {ports: ['${']}}\n",
        "services: {a: {ports: ['${A:-${B:-${C}}}']}}\n",
        "services: {a: {ports: ['1-']}}\n",
        "services: {a: {ports: ['-1']}}\n",
        "services: {a: {ports: ['99999999999999999999:1']}}\n",
        "services: {a: {ports: [1e3]}}\n",
        "services: {a: {ports: [0x50]}}\n",
        "services: {a: {ports: [.inf]}}\n",
        "services: {a: {ports: [true]}}\n",
        "services: {a: {network_mode: 'service:'}}\n",
        "services: {a: {extends: 5, ports: ['1:1']}}\n",
        "services: {? [a] : {ports: ['1:1']}}\n",
        "- services\n",
        "5\n",
    ],
)
def test_odd_compose_documents_never_crash(tmp_path, text):
    (tmp_path / "compose.yaml").write_text(text)
    for finding in run(tmp_path).findings:  # debug=True: a parser crash raises here
        assert finding.rule in {"PL001", "PL002", "PL003", "PL004", "PL103", "PL201"}
        assert finding.location.line >= 1


@pytest.mark.parametrize(
    "text",
    [
        "apiVersion: v1\nkind: Pod\n",
        "apiVersion: v1\nkind: Pod\nspec: {containers: 5}\n",
        "apiVersion: v1\nkind: Pod\nspec: {containers: [{ports: [5]}]}\n",
        "apiVersion: v1\nkind: Pod\nspec: {hostNetwork: [1], containers: [{ports: [{}]}]}\n",
        "apiVersion: v1\nkind: Service\nspec: {ports: 5, type: [1]}\n",
        "apiVersion: v1\nkind: Service\nspec: {ports: [{port: 80, targetPort: ''}]}\n",
        "apiVersion: v1\nkind: Service\nspec: {type: NodePort, ports: [{port: 80, nodePort: x}]}\n",
        "apiVersion: apps/v1\nkind: Deployment\nspec: {template: {spec: 5}}\n",
        "apiVersion: apps/v1\nkind: Deployment\nspec: {replicas: x, template: {spec: {}}}\n",
        "apiVersion: batch/v1\nkind: CronJob\nspec: {jobTemplate: 5}\n",
        "apiVersion: v1\nkind: List\nitems: 5\n",
        "apiVersion: v1\nkind: List\nitems: [5, null, {kind: Pod}]\n",
        "apiVersion: networking.k8s.io/v1\nkind: Ingress\nspec: {defaultBackend: 5}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {annotations: 5, namespace: [1]}\n",
        "apiVersion: v1\nkind: Pod\nmetadata: {annotations: {portlint.dev/ignore: [1]}}\n",
    ],
)
def test_odd_kubernetes_documents_never_crash(tmp_path, text):
    (tmp_path / "k8s.yaml").write_text(text)
    for finding in run(tmp_path).findings:
        assert finding.location.line >= 1
