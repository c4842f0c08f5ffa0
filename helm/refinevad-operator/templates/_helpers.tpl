{{/* The name of every object of the chart: the chart name for a release named after it ("refinevad"), else
     <release>-<chart>. */}}
{{- define "refinevad-operator.fullname" -}}
{{- if hasPrefix .Release.Name .Chart.Name -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- else if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "refinevad-operator.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "refinevad-operator.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "refinevad-operator.serviceAccountName" -}}
{{- default (include "refinevad-operator.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "refinevad-operator.leaderElection" -}}
{{- if or .Values.leaderElection.enabled (gt (int .Values.replicas) 1) -}}true{{- end -}}
{{- end -}}

{{/* The ClusterRole of the detectors' gateways, which the operator binds in each detector's namespace. */}}
{{- define "refinevad-operator.gatewayClusterRole" -}}
{{- printf "%s-gateway" (include "refinevad-operator.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* The namespaces the operator watches in the namespace-scoped mode, comma-separated: watchNamespaces, or the
     release namespace alone when the list is empty. */}}
{{- define "refinevad-operator.watchNamespaces" -}}
{{- join "," (default (list .Release.Namespace) .Values.watchNamespaces) -}}
{{- end -}}

{{/* What the operator may do in a namespace it watches: the same rules in a Role per watched namespace
     (role.yaml) or, in the cluster-wide mode, in the ClusterRole (clusterrole.yaml). Each verb is one the code
     uses: JOSDK writes the dependents with server-side apply (a PATCH; creating through apply also takes create)
     and the detector's finalizer and status with patches too, and fabric8's edit() is a GET and a PATCH, so no
     rule grants update (a PUT). */}}
{{- define "refinevad-operator.rules" -}}
# patch: JOSDK adds its finalizer (refinevad.io/operator) to each detector and removes it once the operator has
# dropped a deleted detector's scaling history; without it deletions would hang.
- apiGroups: [refinevad.io]
  resources: [anomalydetectors]
  verbs: [get, list, watch, patch]
- apiGroups: [refinevad.io]
  resources: [anomalydetectors/status]
  verbs: [patch]
# delete: the operator removes the gateway's objects when spec.gateway.enabled turns false; the rest go with their
# detector (owner references), so ConfigMaps and NetworkPolicies take no delete.
- apiGroups: [""]
  resources: [services]
  verbs: [get, list, watch, create, patch, delete]
# The scoring server's configuration, applied like the other dependents (ServerConfigMapDependent asks JOSDK for
# server-side apply, which it does not use for ConfigMaps by default).
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch, create, patch]
- apiGroups: [apps]
  resources: [deployments]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [networking.k8s.io]
  resources: [networkpolicies]
  verbs: [get, list, watch, create, patch]
# The scoring pods: listed for their load reports, read and patched for the pod-deletion-cost annotation; never
# created, updated (PUT) or deleted. RBAC cannot narrow patch to annotations: it would let the operator change a
# pod's image as well, which is why this rule, like every one here, holds in the watched namespaces only
# (docs/OPERATOR.md, "RBAC").
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list, patch]
# The scoring pods' ReplicaSets, listed to tell a detector's own pods (controlled by one its Deployment controls)
# from look-alikes that only copy their labels.
- apiGroups: [apps]
  resources: [replicasets]
  verbs: [list]
# A pod that drains although nobody is deleting it, and that fails Admin.Undrain, is evicted so that its Deployment
# replaces it: an eviction honours the detector's PodDisruptionBudget, and deleting pods stays denied.
- apiGroups: [""]
  resources: [pods/eviction]
  verbs: [create]
# The detectors' events, each created once under a name of its own.
- apiGroups: [""]
  resources: [events]
  verbs: [create]
# Each detector's gateway runs as a ServiceAccount of its own, bound (a RoleBinding in the detector's namespace) to
# the gateways' ClusterRole, so that it may watch the scoring pods' EndpointSlices.
- apiGroups: [""]
  resources: [serviceaccounts]
  verbs: [get, list, watch, create, patch, delete]
- apiGroups: [rbac.authorization.k8s.io]
  resources: [rolebindings]
  verbs: [get, list, watch, create, patch, delete]
# bind: the API server lets a RoleBinding grant only what its author may do, or a role the author may bind. The
# operator may bind this one role by name; it is not itself given what the role allows, nor any other role.
- apiGroups: [rbac.authorization.k8s.io]
  resources: [clusterroles]
  verbs: [bind]
  resourceNames: [{{ include "refinevad-operator.gatewayClusterRole" . | quote }}]
{{- end -}}

{{/* The platform policy's placements as the operator reads them (refinevad.operator.policy.placements): JSON. */}}
{{- define "refinevad-operator.policyPlacements" -}}
{{- toJson .Values.policy.placements -}}
{{- end -}}

{{/*
The digests the operator pins the images it deploys to, as refinevad.operator.images.digests lists them:
inference-server=sha256:...,model-fetcher=...,gateway=... (the ones set in image.digests; empty: none).
*/}}
{{- define "refinevad-operator.imageDigests" -}}
{{- $digests := .Values.image.digests -}}
{{- $pinned := list -}}
{{- with $digests.inferenceServer }}{{ $pinned = append $pinned (printf "inference-server=%s" .) }}{{ end -}}
{{- with $digests.modelFetcher }}{{ $pinned = append $pinned (printf "model-fetcher=%s" .) }}{{ end -}}
{{- with $digests.gateway }}{{ $pinned = append $pinned (printf "gateway=%s" .) }}{{ end -}}
{{- join "," $pinned -}}
{{- end -}}

{{- define "refinevad-operator.policyModelHosts" -}}
{{- toJson .Values.policy.modelHosts -}}
{{- end -}}

{{- define "refinevad-operator.policyAlertReceivers" -}}
{{- toJson .Values.policy.alertReceivers -}}
{{- end -}}

{{- define "refinevad-operator.policyDns" -}}
{{- toJson .Values.policy.dns -}}
{{- end -}}

{{/* The labels of the ServiceMonitor, PodMonitor and PrometheusRule: the chart's, and those a Prometheus selects. */}}
{{- define "refinevad-operator.monitoringLabels" -}}
{{ include "refinevad-operator.labels" . }}
{{- with .Values.monitoring.labels }}
{{ toYaml . }}
{{- end }}
{{- end -}}
