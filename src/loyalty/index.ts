// What other folders use from src/loyalty: import it from here, not from the files inside (issue 20).

export { normalizeCouponCode } from './coupon-code.ts';
export { issueCouponsAs } from './coupon-issue.ts';
export { couponReport, customerCoupons, findCoupon } from './coupon-report.ts';
export {
  addCouponTemplate,
  CouponTemplateChange,
  CouponTemplateInput,
  changeCouponTemplate,
  findCouponTemplate,
  listCouponTemplates,
} from './coupon-template.ts';
