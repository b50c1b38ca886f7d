{{/* The chart's full name, used for every object it creates. */}}
{{- define "gf.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{/* Common labels. */}}
{{- define "gf.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{/* Selector labels. */}}
{{- define "gf.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{/* The ServiceAccount name. */}}
{{- define "gf.serviceAccount" -}}
{{- default (include "gf.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{/* The namespaces to watch: the list given, or the release namespace. */}}
{{- define "gf.namespaces" -}}
{{- if .Values.watch.namespaces -}}
{{- join "," .Values.watch.namespaces -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{/* What the operator may do in a watched namespace (or cluster-wide). */}}
{{- define "gf.rules" -}}
# patch, never update: the finalizer and the status are written with patches.
- apiGroups: ["globalfunc.io"]
  resources: ["functionreleases", "globalfuncworkers"]
  verbs: ["get", "list", "watch", "patch"]
- apiGroups: ["globalfunc.io"]
  resources: ["functionreleases/status", "globalfuncworkers/status"]
  verbs: ["get", "patch"]
# update on finalizers: what the API server asks of an owner whose pods block its deletion.
- apiGroups: ["globalfunc.io"]
  resources: ["globalfuncworkers/finalizers"]
  verbs: ["update"]
# patch: record on a pod the commit it serves after an in-place release switch.
- apiGroups: [""]
  resources: ["pods"]
  verbs: ["get", "list", "watch", "create", "delete", "patch"]
- apiGroups: [""]
  resources: ["services"]
  verbs: ["get", "list", "watch", "create", "update", "patch"]
# Git credentials of FunctionReleases (repository.secretRef) and the workers' release tokens,
# read one by one, never listed; create: one release-token Secret per worker (owned by it).
- apiGroups: [""]
  resources: ["secrets"]
  verbs: ["get", "create"]
- apiGroups: [""]
  resources: ["events"]
  verbs: ["create", "patch"]
{{- end -}}

{{/* The Secret (in each watched namespace) whose redis-uri the worker pods' batch agents mount. */}}
{{- define "gf.batchSecret" -}}
{{- if .Values.redis.existingSecret -}}
{{- .Values.redis.existingSecret -}}
{{- else -}}
{{- include "gf.fullname" . }}-batch-redis
{{- end -}}
{{- end -}}
