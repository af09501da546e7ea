import type { Api } from './api-harness.ts';

/** Test data: the permission of every API route, independent of the code. */
// The permission each route needs, written from the README's roles table (not read from the
// code): service staff edit profiles and tags (customers.write) but do not merge customers
// (data.write) or touch rewards (loyalty.write); reads never write, so every GET needs `read` or
// more; admins alone manage access, channels and the workspace; staff tasks and service notes are
// worked by the service, operator and admin roles (tasks.write); surveys are made by those who run
// campaigns (messaging.write) and read by every role; broadcasts are prepared by those too and
// approved by admins; stores and products are the workspace's settings (admins write them).
export const ROUTE_PERMISSIONS: Record<string, string> = {
  'POST /api/v1/auth/logout': 'read',
  'GET /api/v1/auth/me': 'read',
  'POST /api/v1/auth/workspace': 'read',
  'GET /api/v1/customers': 'read',
  'POST /api/v1/customers': 'customers.write',
  'GET /api/v1/customers/{customerId}': 'read',
  'PATCH /api/v1/customers/{customerId}': 'customers.write',
  'DELETE /api/v1/customers/{customerId}': 'erase',
  'POST /api/v1/customers/{customerId}/tags': 'customers.write',
  'DELETE /api/v1/customers/{customerId}/tags/{tag}': 'customers.write',
  'POST /api/v1/customers/{customerId}/merge': 'data.write',
  'GET /api/v1/customers/{customerId}/export': 'erase',
  'GET /api/v1/customers/export': 'export',
  'POST /api/v1/customers/tags': 'customers.write',
  'GET /api/v1/tasks': 'read',
  'POST /api/v1/tasks': 'tasks.write',
  'POST /api/v1/tasks/bulk': 'tasks.write',
  'POST /api/v1/tasks/reassign': 'tasks.write',
  'GET /api/v1/tasks/report': 'read',
  'GET /api/v1/tasks/{taskId}': 'read',
  'PATCH /api/v1/tasks/{taskId}': 'tasks.write',
  'GET /api/v1/customers/{customerId}/tasks': 'read',
  'GET /api/v1/customers/{customerId}/owner': 'read',
  'GET /api/v1/customers/{customerId}/notes': 'read',
  'POST /api/v1/customers/{customerId}/notes': 'tasks.write',
  'GET /api/v1/surveys': 'read',
  'POST /api/v1/surveys': 'messaging.write',
  'GET /api/v1/surveys/{surveyId}': 'read',
  'PATCH /api/v1/surveys/{surveyId}': 'messaging.write',
  'GET /api/v1/surveys/{surveyId}/report': 'read',
  'GET /api/v1/surveys/{surveyId}/responses': 'read',
  'GET /api/v1/broadcasts': 'read',
  'POST /api/v1/broadcasts': 'messaging.write',
  'GET /api/v1/broadcasts/{broadcastId}': 'read',
  'GET /api/v1/broadcasts/{broadcastId}/reach': 'read',
  'GET /api/v1/broadcasts/{broadcastId}/report': 'read',
  'POST /api/v1/broadcasts/{broadcastId}/test': 'messaging.write',
  'POST /api/v1/broadcasts/{broadcastId}/schedule': 'messaging.write',
  'POST /api/v1/broadcasts/{broadcastId}/approve': 'admin',
  'POST /api/v1/broadcasts/{broadcastId}/pause': 'messaging.write',
  'POST /api/v1/broadcasts/{broadcastId}/resume': 'messaging.write',
  'POST /api/v1/broadcasts/{broadcastId}/cancel': 'messaging.write',
  'GET /api/v1/customers/{customerId}/survey-responses': 'read',
  'PATCH /api/v1/customers/{customerId}/notes/{noteId}': 'tasks.write',
  'POST /api/v1/orders': 'data.write',
  'GET /api/v1/orders/{orderId}': 'read',
  'POST /api/v1/events': 'data.write',
  'POST /api/v1/imports': 'data.write',
  'POST /api/v1/imports/columns': 'data.write',
  'GET /api/v1/imports/{importId}': 'read',
  'GET /api/v1/imports/{importId}/rejects': 'read',
  'GET /api/v1/imports/template': 'read',
  'GET /api/v1/segments': 'read',
  'POST /api/v1/segments': 'segments.write',
  'POST /api/v1/segments/preview': 'read',
  'GET /api/v1/segments/{name}': 'read',
  'DELETE /api/v1/segments/{name}': 'segments.write',
  'GET /api/v1/segments/{name}/members': 'read',
  'POST /api/v1/segments/{name}/refresh': 'segments.write',
  'GET /api/v1/segments/{name}/export': 'export',
  'GET /api/v1/rfm/summary': 'read',
  'GET /api/v1/rfm/grid': 'read',
  'GET /api/v1/lifecycle/trend': 'read',
  'GET /api/v1/customers/{customerId}/stages': 'read',
  'GET /api/v1/rfm/customers/{customerId}': 'read',
  'GET /api/v1/lifecycle': 'read',
  'GET /api/v1/rfm/movement': 'read',
  'GET /api/v1/metrics': 'read',
  'GET /api/v1/funnel': 'read',
  'GET /api/v1/cohorts': 'read',
  'GET /api/v1/clv': 'read',
  'GET /api/v1/coupon-templates': 'read',
  'POST /api/v1/coupon-templates': 'loyalty.write',
  'PATCH /api/v1/coupon-templates/{templateId}': 'loyalty.write',
  'POST /api/v1/coupon-templates/{templateId}/issue': 'loyalty.write',
  'GET /api/v1/coupons/report': 'read',
  'GET /api/v1/coupons/{code}': 'read',
  'GET /api/v1/customers/{customerId}/coupons': 'read',
  'GET /api/v1/customers/{customerId}/loyalty': 'read',
  'POST /api/v1/customers/{customerId}/points': 'loyalty.write',
  'GET /api/v1/customers/{customerId}/referral-code': 'read',
  'POST /api/v1/customers/{customerId}/referral-code': 'loyalty.write',
  'POST /api/v1/customers/{customerId}/referral': 'loyalty.write',
  'GET /api/v1/customers/{customerId}/referrals': 'read',
  'GET /api/v1/referrals/report': 'read',
  'POST /api/v1/tiers/evaluate': 'loyalty.write',
  'POST /api/v1/points/expire': 'loyalty.write',
  'GET /api/v1/workspace': 'read',
  'PATCH /api/v1/workspace': 'admin',
  'GET /api/v1/workspace/settings': 'read',
  'PATCH /api/v1/workspace/settings': 'admin',
  'POST /api/v1/workspaces': 'admin',
  'GET /api/v1/stores': 'read',
  'POST /api/v1/stores': 'admin',
  'PATCH /api/v1/stores/{storeCode}': 'admin',
  'GET /api/v1/products': 'read',
  'POST /api/v1/products': 'admin',
  'PATCH /api/v1/products/{sku}': 'admin',
  'GET /api/v1/channels': 'admin',
  'PUT /api/v1/channels': 'admin',
  'POST /api/v1/channels/{channel}/test': 'admin',
  'GET /api/v1/templates': 'read',
  'PUT /api/v1/templates': 'messaging.write',
  'POST /api/v1/templates/{name}/preview': 'read',
  'POST /api/v1/messages': 'messaging.write',
  'GET /api/v1/customers/{customerId}/messages': 'read',
  'GET /api/v1/journeys': 'read',
  'PUT /api/v1/journeys': 'messaging.write',
  'GET /api/v1/journeys/{journey}': 'read',
  'POST /api/v1/journeys/{journey}/pause': 'messaging.write',
  'POST /api/v1/journeys/{journey}/resume': 'messaging.write',
  'POST /api/v1/journeys/backtest': 'read',
  'PUT /api/v1/journeys/draft': 'messaging.write',
  'DELETE /api/v1/journeys/{journey}/draft': 'messaging.write',
  'POST /api/v1/journeys/{journey}/publish/preview': 'messaging.write',
  'POST /api/v1/journeys/{journey}/publish': 'messaging.write',
  'GET /api/v1/journeys/{journey}/versions': 'read',
  'POST /api/v1/journeys/{journey}/test-run': 'read',
  'POST /api/v1/playbook/install': 'messaging.write',
  'POST /api/v1/auth/password': 'read',
  'GET /api/v1/users': 'admin',
  'DELETE /api/v1/users/{userId}': 'admin',
  'PATCH /api/v1/users/{userId}': 'admin',
  'POST /api/v1/users/{userId}/password-reset': 'admin',
  'PUT /api/v1/users/{userId}/wecom': 'admin',
  'PUT /api/v1/customers/{customerId}/wecom': 'customers.write',
  'GET /api/v1/invitations': 'admin',
  'POST /api/v1/invitations': 'admin',
  'DELETE /api/v1/invitations/{invitationId}': 'admin',
  'GET /api/v1/api-keys': 'admin',
  'POST /api/v1/api-keys': 'admin',
  'DELETE /api/v1/api-keys/{keyId}': 'admin',
  'GET /api/v1/audit': 'admin',
  'GET /api/v1/predict/fit': 'read',
  'POST /api/v1/predict/fit': 'segments.write',
  'POST /api/v1/predict/refresh': 'segments.write',
  'GET /api/v1/customers/{customerId}/prediction': 'read',
  'GET /api/v1/customers/{customerId}/recommendations': 'read',
  'GET /api/v1/predict/associations': 'read',
  'POST /api/v1/predict/associations/refresh': 'segments.write',
  // Marketing spend is data the people who run campaigns and imports enter (operators, admins).
  'GET /api/v1/acquisition/spend': 'read',
  'PUT /api/v1/acquisition/spend': 'data.write',
  'GET /api/v1/acquisition/report': 'read',
  'GET /api/v1/products/intervals': 'read',
  'POST /api/v1/products/intervals/refresh': 'segments.write',
  'GET /api/v1/customers/{customerId}/replenishment': 'read',
};

/** An operation of the OpenAPI document. */
export interface Operation {
  method: string;
  path: string;
  permission: string | null;
  hasBody: boolean;
}

/** Every documented operation with the permission its description states. */
export async function operations(api: Api): Promise<Operation[]> {
  const doc = (await api.call('GET', '/api/openapi.json')).body;
  const ops: Operation[] = [];
  for (const [path, methods] of Object.entries<
    Record<string, { description?: string; requestBody?: unknown }>
  >(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const permission = /Permission: `([\w.]+)`/.exec(op.description ?? '')?.[1] ?? null;
      ops.push({ method: method.toUpperCase(), path, permission, hasBody: Boolean(op.requestBody) });
    }
  }
  return ops;
}
