-- Argo CD health of a FunctionRelease (globalfunc.io), from the status the operator writes.
local hs = {}
local function condition(t)
  if obj.status == nil or obj.status.conditions == nil then return nil end
  for _, c in ipairs(obj.status.conditions) do
    if c.type == t then return c end
  end
  return nil
end
if obj.status == nil or obj.status.observedGeneration == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to report status"
  return hs
end
if obj.metadata.generation ~= nil and obj.status.observedGeneration < obj.metadata.generation then
  hs.status = "Progressing"
  hs.message = "Waiting for the operator to observe generation " .. obj.metadata.generation
  return hs
end
local ready = condition("Ready")
if ready == nil then
  hs.status = "Progressing"
  hs.message = "Waiting for the Ready condition"
  return hs
end
if ready.status == "True" then
  hs.status = "Healthy"
  hs.message = "Serving commit " .. (obj.status.commit or "?")
  return hs
end
-- Ready=False while Reconciling=True: the Git server is out of reach for now; the operator
-- retries and the last good commit keeps serving.
local reconciling = condition("Reconciling")
if reconciling ~= nil and reconciling.status == "True" then
  hs.status = "Progressing"
  hs.message = ready.reason .. ": " .. (reconciling.message or "")
  return hs
end
-- Any other Ready=False is a failure the user must act on (a bad URL, branch, credentials or
-- library); the operator keeps retrying with back-off and the last good commit keeps serving.
hs.status = "Degraded"
hs.message = ready.reason .. ": " .. (ready.message or "")
return hs
