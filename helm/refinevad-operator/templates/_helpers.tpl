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
