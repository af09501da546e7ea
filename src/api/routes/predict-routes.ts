import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { callList } from '../../predict/call-list.ts';
import { createCallListTasks } from '../../predict/call-list-tasks.ts';
import {
  customerPrediction,
  fitAndCheck,
  latestFit,
  minorPerMajor,
  refreshPredictions,
} from '../../predict/index.ts';
import {
  CallListQuery,
  CallListSchema,
  CallListTasksBody,
  CallListTasksResult,
  DistributionSchema,
  FitBody,
  FitSchema,
  PredictionSchema,
  RefreshBody,
  RefreshResult,
} from '../../predict/predict-contract.ts';
import { predictionDistribution } from '../../predict/prediction-distribution.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { todayIn } from '../../shared/local-date.ts';
import { callerOf } from '../auth.ts';
import type { ApiContext } from '../context.ts';
import { maskerFor } from '../present.ts';
import { CustomerParams, ERRORS } from '../schemas.ts';
import { langOf } from './ingest-routes.ts';

/** The customer-base models: the latest fit, a fit checked on a split, a refresh, a customer's prediction. */
export const predictRoutes: FastifyPluginAsyncZod<ApiContext> = async (app, { store }) => {
  const db = store.db;

  app.get(
    '/predict/fit',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['predict'],
        summary: 'The latest fit: parameters, log-likelihood and its calibration/holdout check',
        response: { 200: FitSchema, ...ERRORS },
      },
    },
    async (request) => {
      const fit = await latestFit(db, callerOf(request).workspace.id);
      if (!fit) throw new NotFoundError('no fit yet: the worker fits daily, or POST /predict/refresh');
      return fit;
    },
  );

  app.post(
    '/predict/fit',
    {
      config: { permission: 'segments.write' },
      schema: {
        tags: ['predict'],
        summary: 'Fit on purchases up to a calibration end and compare with the purchases after it',
        body: FitBody,
        response: { 200: FitSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const b = request.body;
      return fitAndCheck(store, caller.workspace, caller.actor, {
        calibrationEnd: b.calibration_end ?? todayIn(caller.workspace.timezone),
        model: b.model,
        unit: b.unit,
      });
    },
  );

  app.post(
    '/predict/refresh',
    {
      config: { permission: 'segments.write' },
      schema: {
        tags: ['predict'],
        summary: 'Refit and store every customer’s prediction now (the worker does it daily)',
        body: RefreshBody,
        response: { 200: RefreshResult, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const b = request.body;
      const done = await refreshPredictions(store, caller.workspace, {
        asOf: b.as_of ?? todayIn(caller.workspace.timezone),
        horizonDays: b.horizon_days,
        actor: caller.actor,
      });
      return { fit: done.fit, customers: done.customers, horizon_days: done.horizonDays };
    },
  );

  app.get(
    '/customers/:customerId/prediction',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['predict'],
        summary: 'A customer’s P(alive), expected purchases, spend, CLV and next order date',
        params: CustomerParams,
        response: { 200: PredictionSchema, ...ERRORS },
      },
    },
    async (request) => customerPrediction(db, callerOf(request).workspace.id, request.params.customerId),
  );

  app.get(
    '/predict/distribution',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['predict'],
        summary: 'How the stored predictions spread: P(alive) and predicted CLV histograms, totals',
        response: { 200: DistributionSchema, ...ERRORS },
      },
    },
    async (request) => {
      const ws = callerOf(request).workspace;
      return predictionDistribution(db, ws.id, minorPerMajor(ws.currency));
    },
  );

  app.get(
    '/predict/call-list',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['predict'],
        summary:
          'Customers to call, ranked by value at risk: predicted CLV × (1 − P(alive)), with the reason',
        querystring: CallListQuery,
        response: { 200: CallListSchema, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const q = request.query;
      const list = await callList(db, caller.workspace, {
        top: q.top,
        segment: q.segment,
        lang: q.lang ?? langOf(request.headers['accept-language']),
      });
      const mask = maskerFor(caller);
      return {
        ...list,
        items: list.items.map((e) => ({ ...e, name: mask.name(e.name), phone: mask.phone(e.phone) })),
      };
    },
  );

  app.post(
    '/predict/call-list/tasks',
    {
      config: { permission: 'tasks.write' },
      schema: {
        tags: ['predict'],
        summary: 'One call-back task per chosen customer of the call list, assigned by the rule',
        body: CallListTasksBody,
        response: { 200: CallListTasksResult, ...ERRORS },
      },
    },
    async (request) => {
      const caller = callerOf(request);
      const b = request.body;
      return createCallListTasks(db, caller.workspace, caller.actor, {
        ...b,
        lang: b.lang ?? langOf(request.headers['accept-language']),
      });
    },
  );
};
